#include "polygon_editor.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <algorithm>
#include <cmath>

namespace vigil {

namespace {
constexpr double kGrabPx = 8;           // how close a click must be to a point to take it
constexpr double kDragStartPx = 3;      // a press that moves less is a click, not a drag
const QSizeF kCanvasAspect(4, 3);       // no picture: a grey 4:3 canvas

double distance(QPointF a, QPointF b) { return std::hypot(a.x() - b.x(), a.y() - b.y()); }
// Clamped to the frame and rounded as the config file stores points (4 decimals, well under a
// pixel), so what is drawn is exactly what is saved and read back.
QPointF clamp01(QPointF p)
{
    const auto snap = [](double v) { return std::round(std::clamp(v, 0.0, 1.0) * 1e4) / 1e4; };
    return {snap(p.x()), snap(p.y())};
}
} // namespace

PolygonEditor::PolygonEditor(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("polygonEditor"));
    m_layer.colour = QColor(0xf0, 0x88, 0x3e);
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    // Right-click deletes points here; no context menu should pop up over it.
    setContextMenuPolicy(Qt::PreventContextMenu);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    setToolTip(tr("Click to add points; double-click, Enter or click the first point to close the polygon.\n"
                  "Drag a point to move it, drag inside a polygon to move it.\n"
                  "Right-click a point to delete it; select a polygon and press Delete to remove it.\n"
                  "Esc cancels the polygon being drawn."));
}

void PolygonEditor::setImage(const QImage& image)
{
    m_image = image;
    update();
}

void PolygonEditor::setPlaceholderText(const QString& text)
{
    m_placeholder = text;
    update();
}

void PolygonEditor::setPolygons(const QList<QPolygonF>& polygons)
{
    setPolygons(polygons, {});
}

void PolygonEditor::setPolygons(const QList<QPolygonF>& polygons, const QStringList& names)
{
    m_layer.polygons = polygons;
    m_layer.names = names;
    if (!names.isEmpty())
        m_layer.names.resize(polygons.size());
    m_drawing.clear();
    m_dragPolygon = -1;
    select(-1);
    update();
}

void PolygonEditor::setName(int index, const QString& name)
{
    if (index < 0 || index >= m_layer.polygons.size())
        return;
    m_layer.names.resize(m_layer.polygons.size());
    m_layer.names[index] = name;
    update();
    emit polygonsChanged();
}

void PolygonEditor::setBackgroundPolygons(const QList<QPolygonF>& polygons, const QColor& colour)
{
    m_background.polygons = polygons;
    m_background.colour = colour;
    update();
}

QString PolygonEditor::newName() const
{
    for (int n = 1;; ++n) {
        const QString name = QStringLiteral("%1 %2").arg(m_namePrefix).arg(n);
        if (!m_layer.names.contains(name))
            return name;
    }
}

void PolygonEditor::removePolygon(int index)
{
    m_layer.polygons.removeAt(index);
    if (index < m_layer.names.size())
        m_layer.names.removeAt(index);
    emit polygonRemoved(index);
}

void PolygonEditor::setColour(const QColor& colour)
{
    m_layer.colour = colour;
    update();
}

void PolygonEditor::setSelectedIndex(int index)
{
    select(index >= 0 && index < m_layer.polygons.size() ? index : -1);
}

void PolygonEditor::select(int index)
{
    if (m_selected == index)
        return;
    m_selected = index;
    update();
    emit selectionChanged(index);
}

void PolygonEditor::deleteSelected()
{
    if (m_selected < 0 || m_selected >= m_layer.polygons.size())
        return;
    removePolygon(m_selected);
    m_dragPolygon = -1;
    select(-1);
    update();
    emit polygonsChanged();
}

void PolygonEditor::clear()
{
    if (m_layer.polygons.isEmpty())
        return;
    for (int i = int(m_layer.polygons.size()) - 1; i >= 0; --i)
        removePolygon(i);
    m_dragPolygon = -1;
    select(-1);
    update();
    emit polygonsChanged();
}

bool PolygonEditor::finishDrawing()
{
    // A double-click delivers its position twice: drop consecutive points on top of each other.
    QPolygonF poly;
    for (const QPointF& p : std::as_const(m_drawing))
        if (poly.isEmpty() || distance(toWidget(poly.last()), toWidget(p)) > 2)
            poly << p;
    if (poly.size() > 1 && distance(toWidget(poly.first()), toWidget(poly.last())) <= 2)
        poly.removeLast();
    if (poly.size() < 3) {
        m_drawing = poly;
        update();
        return false;
    }
    if (!m_namePrefix.isEmpty() || !m_layer.names.isEmpty()) {
        m_layer.names.resize(m_layer.polygons.size());
        m_layer.names.append(m_namePrefix.isEmpty() ? QString() : newName());
    }
    m_layer.polygons.append(poly);
    m_drawing.clear();
    const int index = int(m_layer.polygons.size()) - 1;
    select(index);
    update();
    emit drawingChanged(false);
    emit polygonAdded(index);
    emit polygonsChanged();
    return true;
}

void PolygonEditor::cancelDrawing()
{
    if (m_drawing.isEmpty())
        return;
    m_drawing.clear();
    update();
    emit drawingChanged(false);
}

void PolygonEditor::setOverlayBoxes(const QList<QRectF>& boxes, const QStringList& labels)
{
    m_overlay = boxes;
    m_overlayLabels = labels;
    update();
}

QRectF PolygonEditor::pictureRect() const
{
    QSizeF s = m_image.isNull() ? kCanvasAspect : QSizeF(m_image.size());
    s.scale(QSizeF(size()), Qt::KeepAspectRatio);
    return QRectF(QPointF((width() - s.width()) / 2, (height() - s.height()) / 2), s);
}

QPointF PolygonEditor::toWidget(QPointF relative) const
{
    const QRectF r = pictureRect();
    return {r.left() + relative.x() * r.width(), r.top() + relative.y() * r.height()};
}

QPointF PolygonEditor::toRelative(QPointF widgetPos) const
{
    const QRectF r = pictureRect();
    if (r.isEmpty())
        return {};
    return clamp01({(widgetPos.x() - r.left()) / r.width(), (widgetPos.y() - r.top()) / r.height()});
}

PolygonEditor::Hit PolygonEditor::pointAt(QPointF pos) const
{
    // The selected polygon's points win where points overlap: it is the one being worked on.
    Hit best;
    double bestD = kGrabPx;
    auto consider = [&](int i) {
        const QPolygonF& poly = m_layer.polygons[i];
        for (int j = 0; j < poly.size(); ++j) {
            const double d = distance(toWidget(poly[j]), pos);
            if (d <= bestD) {
                bestD = d;
                best = {i, j};
            }
        }
    };
    if (m_selected >= 0)
        consider(m_selected);
    if (best.polygon >= 0)
        return best;
    for (int i = int(m_layer.polygons.size()) - 1; i >= 0; --i)
        consider(i);
    return best;
}

int PolygonEditor::polygonAt(QPointF pos) const
{
    const QPointF rel = toRelative(pos);
    if (m_selected >= 0 && m_layer.polygons[m_selected].containsPoint(rel, Qt::OddEvenFill))
        return m_selected;
    for (int i = int(m_layer.polygons.size()) - 1; i >= 0; --i)
        if (m_layer.polygons[i].containsPoint(rel, Qt::OddEvenFill))
            return i;
    return -1;
}

void PolygonEditor::deletePoint(int polygon, int point)
{
    QPolygonF& poly = m_layer.polygons[polygon];
    poly.removeAt(point);
    if (poly.size() < 3) {
        removePolygon(polygon);
        if (m_selected == polygon)
            select(-1);
        else if (m_selected > polygon)
            select(m_selected - 1);
    }
    update();
    emit polygonsChanged();
}

void PolygonEditor::mousePressEvent(QMouseEvent* event)
{
    const QPointF pos = event->position();
    if (event->button() == Qt::RightButton) {
        if (isDrawing()) {
            // While drawing, right-click takes back the last point.
            m_drawing.removeLast();
            if (m_drawing.isEmpty())
                emit drawingChanged(false);
            update();
        } else if (const Hit hit = pointAt(pos); hit.polygon >= 0) {
            deletePoint(hit.polygon, hit.point);
        }
        return;
    }
    if (event->button() != Qt::LeftButton)
        return QWidget::mousePressEvent(event);

    const QPointF rel = toRelative(pos);
    if (isDrawing()) {
        if (m_drawing.size() >= 3 && distance(toWidget(m_drawing.first()), pos) <= kGrabPx) {
            finishDrawing();
            return;
        }
        m_drawing << rel;
        update();
        return;
    }
    // Not drawing: a point or a polygon is grabbed, or a new polygon starts here.
    Hit hit = pointAt(pos);
    if (hit.polygon < 0)
        hit.polygon = polygonAt(pos);
    if (hit.polygon >= 0) {
        select(hit.polygon);
        m_dragPolygon = hit.polygon;
        m_dragPoint = hit.point;
        m_dragStartRel = rel;
        m_dragOriginal = m_layer.polygons[hit.polygon];
        m_dragMoved = false;
        return;
    }
    if (!pictureRect().contains(pos))
        return;  // in the letterbox bars: nothing to do
    select(-1);
    m_drawing << rel;
    m_hoverRel = rel;
    update();
    emit drawingChanged(true);
}

void PolygonEditor::mouseMoveEvent(QMouseEvent* event)
{
    const QPointF pos = event->position();
    if (m_dragPolygon >= 0 && (event->buttons() & Qt::LeftButton)) {
        const QPointF rel = toRelative(pos);
        if (!m_dragMoved && distance(toWidget(m_dragStartRel), pos) < kDragStartPx)
            return;
        m_dragMoved = true;
        QPolygonF& poly = m_layer.polygons[m_dragPolygon];
        if (m_dragPoint >= 0) {
            poly[m_dragPoint] = rel;
        } else {
            // Moved whole, kept inside the frame without changing its shape.
            const QRectF b = m_dragOriginal.boundingRect();
            QPointF d = rel - m_dragStartRel;
            d.setX(std::clamp(d.x(), -b.left(), 1.0 - b.right()));
            d.setY(std::clamp(d.y(), -b.top(), 1.0 - b.bottom()));
            poly = m_dragOriginal.translated(d);
            for (QPointF& pt : poly)
                pt = clamp01(pt);
        }
        update();
        return;
    }
    if (isDrawing()) {
        m_hoverRel = toRelative(pos);
        update();
    }
    updateCursor(pos);
}

void PolygonEditor::mouseReleaseEvent(QMouseEvent* event)
{
    if (event->button() == Qt::LeftButton && m_dragPolygon >= 0) {
        const bool moved = m_dragMoved;
        m_dragPolygon = -1;
        m_dragMoved = false;
        if (moved)
            emit polygonsChanged();
        return;
    }
    QWidget::mouseReleaseEvent(event);
}

void PolygonEditor::mouseDoubleClickEvent(QMouseEvent* event)
{
    if (event->button() == Qt::LeftButton && isDrawing()) {
        // The first click of the pair already added the point: close here.
        m_drawing << toRelative(event->position());
        finishDrawing();
        return;
    }
    QWidget::mouseDoubleClickEvent(event);
}

void PolygonEditor::keyPressEvent(QKeyEvent* event)
{
    switch (event->key()) {
    case Qt::Key_Escape:
        // Escape first cancels the drawing, then the selection; only then does the dialog see it.
        if (isDrawing()) {
            cancelDrawing();
            return;
        }
        if (m_selected >= 0) {
            select(-1);
            return;
        }
        break;
    case Qt::Key_Return:
    case Qt::Key_Enter:
        if (isDrawing()) {
            finishDrawing();
            return;
        }
        break;
    case Qt::Key_Delete:
    case Qt::Key_Backspace:
        if (isDrawing()) {
            m_drawing.removeLast();
            if (m_drawing.isEmpty())
                emit drawingChanged(false);
            update();
            return;
        }
        if (m_selected >= 0) {
            deleteSelected();
            return;
        }
        break;
    default:
        break;
    }
    QWidget::keyPressEvent(event);
}

void PolygonEditor::leaveEvent(QEvent* event)
{
    m_hoverRel = {-1, -1};
    update();
    QWidget::leaveEvent(event);
}

void PolygonEditor::updateCursor(QPointF pos)
{
    if (isDrawing())
        setCursor(Qt::CrossCursor);
    else if (pointAt(pos).polygon >= 0)
        setCursor(Qt::SizeAllCursor);
    else if (polygonAt(pos) >= 0)
        setCursor(Qt::OpenHandCursor);
    else
        setCursor(Qt::CrossCursor);
}

void PolygonEditor::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.fillRect(rect(), QColor(0x0d, 0x10, 0x14));
    const QRectF pic = pictureRect();
    if (m_image.isNull()) {
        p.fillRect(pic, QColor(0x5a, 0x5f, 0x66));
        if (!m_placeholder.isEmpty()) {
            p.setPen(QColor(0xd0, 0xd4, 0xd9));
            p.drawText(pic.adjusted(16, 16, -16, -16), Qt::AlignCenter | Qt::TextWordWrap, m_placeholder);
        }
    } else {
        p.setRenderHint(QPainter::SmoothPixmapTransform);
        p.drawImage(pic, m_image);
    }
    p.setRenderHint(QPainter::Antialiasing);

    for (const QPolygonF& rel : std::as_const(m_background.polygons))
        paintPolygon(p, rel, m_background.colour, false, false);

    // Read-only boxes next, so the polygons being edited stay on top.
    p.setBrush(Qt::NoBrush);
    for (int i = 0; i < m_overlay.size(); ++i) {
        const QRectF box(toWidget(m_overlay[i].topLeft()), toWidget(m_overlay[i].bottomRight()));
        p.setPen(QPen(QColor(0xff, 0xd3, 0x3d), 1.5));
        p.drawRect(box);
        if (i < m_overlayLabels.size() && !m_overlayLabels[i].isEmpty()) {
            const QRectF tag = p.fontMetrics().boundingRect(m_overlayLabels[i]).adjusted(-3, -1, 3, 1);
            const QRectF at(box.left(), std::max(0.0, box.top() - tag.height()), tag.width(), tag.height());
            p.fillRect(at, QColor(0xff, 0xd3, 0x3d));
            p.setPen(Qt::black);
            p.drawText(at, Qt::AlignCenter, m_overlayLabels[i]);
        }
    }

    for (int i = 0; i < m_layer.polygons.size(); ++i)
        paintPolygon(p, m_layer.polygons[i], m_layer.colour, i == m_selected, true);
    // Names over every shape, so a selected zone never hides another's name.
    for (int i = 0; i < m_layer.polygons.size() && i < m_layer.names.size(); ++i) {
        if (m_layer.names[i].isEmpty() || m_layer.polygons[i].isEmpty())
            continue;
        const QRectF b = m_layer.polygons[i].boundingRect();
        const QPointF centre = toWidget(b.center());
        QRectF tag = p.fontMetrics().boundingRect(m_layer.names[i]).adjusted(-5, -2, 5, 2);
        tag.moveCenter(centre);
        p.setPen(Qt::NoPen);
        p.setBrush(QColor(0, 0, 0, 170));
        p.drawRoundedRect(tag, 4, 4);
        p.setPen(Qt::white);
        p.drawText(tag, Qt::AlignCenter, m_layer.names[i]);
    }

    if (isDrawing()) {
        QPolygonF line;
        for (const QPointF& pt : std::as_const(m_drawing))
            line << toWidget(pt);
        p.setBrush(Qt::NoBrush);
        p.setPen(QPen(Qt::white, 2));
        p.drawPolyline(line);
        if (m_hoverRel.x() >= 0) {
            p.setPen(QPen(Qt::white, 1.5, Qt::DashLine));
            p.drawLine(line.last(), toWidget(m_hoverRel));
        }
        p.setPen(QPen(Qt::black, 1));
        p.setBrush(m_layer.colour);
        for (const QPointF& pt : std::as_const(line))
            p.drawEllipse(pt, 3.5, 3.5);
        // The first point closes the polygon: make it the obvious target.
        if (line.size() >= 3) {
            p.setBrush(Qt::NoBrush);
            p.setPen(QPen(Qt::white, 2));
            p.drawEllipse(line.first(), kGrabPx, kGrabPx);
        }
    }
}

void PolygonEditor::paintPolygon(QPainter& p, const QPolygonF& rel, const QColor& c, bool sel, bool editable) const
{
    QPolygonF poly;
    for (const QPointF& pt : rel)
        poly << toWidget(pt);
    QColor f = c;
    f.setAlpha(editable ? (sel ? 120 : 80) : 60);
    p.setBrush(editable ? QBrush(f) : QBrush(f, Qt::BDiagPattern));
    p.setPen(QPen(sel ? c.lighter(140) : c, sel ? 2.5 : 1.5, editable ? Qt::SolidLine : Qt::DashLine));
    p.drawPolygon(poly);
    if (!editable)
        return;
    p.setPen(QPen(Qt::black, 1));
    p.setBrush(sel ? QColor(Qt::white) : c);
    const double r = sel ? 4.5 : 3;
    for (const QPointF& pt : std::as_const(poly))
        p.drawEllipse(pt, r, r);
}

} // namespace vigil
