#include "camera_grid.h"

#include <QKeyEvent>
#include <cmath>

#include "pipeline/camera.h"
#include "camera_tile.h"
#include "theme.h"

namespace vigil {

namespace {
constexpr int kGap = 6;
}

CameraGrid::CameraGrid(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("cameraGrid"));
    setAutoFillBackground(true);
    QPalette pal = palette();
    pal.setColor(QPalette::Window, theme::windowBackground().darker(130));
    setPalette(pal);
    setFocusPolicy(Qt::StrongFocus);
}

QSize CameraGrid::gridShape(int n)
{
    if (n <= 0)
        return {0, 0};
    const int cols = int(std::ceil(std::sqrt(double(n))));
    const int rows = (n + cols - 1) / cols;
    return {cols, rows};
}

CameraTile* CameraGrid::addCamera(Camera* camera)
{
    auto* t = new CameraTile(camera, this);
    m_tiles.append(t);
    connect(t, &CameraTile::clicked, this, &CameraGrid::select);
    connect(t, &CameraTile::focusToggled, this, &CameraGrid::toggleFocus);
    emit tileCreated(t);
    if (!m_focused.isEmpty())
        t->hide();
    else
        t->show();
    relayout();
    if (m_selected.isEmpty())
        select(t->cameraId());
    return t;
}

void CameraGrid::removeCamera(const QString& id)
{
    CameraTile* t = tile(id);
    if (!t)
        return;
    m_tiles.removeOne(t);
    delete t;
    if (m_focused == id)
        setFocusedCamera({});
    if (m_selected == id)
        select(m_tiles.isEmpty() ? QString() : m_tiles.first()->cameraId());
    relayout();
}

CameraTile* CameraGrid::tile(const QString& id) const
{
    for (CameraTile* t : m_tiles)
        if (t->cameraId() == id)
            return t;
    return nullptr;
}

void CameraGrid::select(const QString& id)
{
    for (CameraTile* t : m_tiles)
        t->setSelected(t->cameraId() == id);
    if (m_selected == id)
        return;
    m_selected = id;
    emit selectionChanged(id);
}

void CameraGrid::setFocusedCamera(const QString& id)
{
    const QString target = tile(id) ? id : QString();
    if (target == m_focused)
        return;
    m_focused = target;
    for (CameraTile* t : m_tiles) {
        t->setFocused(t->cameraId() == m_focused);
        t->setVisible(m_focused.isEmpty() || t->cameraId() == m_focused);
    }
    if (!m_focused.isEmpty())
        select(m_focused);
    relayout();
    emit focusChanged(m_focused);
}

void CameraGrid::toggleFocus(const QString& id)
{
    setFocusedCamera(m_focused == id ? QString() : id);
}

void CameraGrid::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    relayout();
}

void CameraGrid::relayout()
{
    const QRect area = rect().adjusted(kGap, kGap, -kGap, -kGap);
    if (!m_focused.isEmpty()) {
        if (CameraTile* t = tile(m_focused))
            t->setGeometry(area);
        return;
    }
    const QSize shape = gridShape(int(m_tiles.size()));
    if (shape.isEmpty())
        return;
    const int cols = shape.width(), rows = shape.height();
    const double cw = (area.width() - kGap * (cols - 1)) / double(cols);
    const double ch = (area.height() - kGap * (rows - 1)) / double(rows);
    for (int i = 0; i < m_tiles.size(); ++i) {
        const int r = i / cols, c = i % cols;
        // The last row is centred when it is not full.
        const int inRow = r == rows - 1 ? int(m_tiles.size()) - r * cols : cols;
        const double offset = (cols - inRow) * (cw + kGap) / 2.0;
        const int x0 = area.left() + int(std::round(offset + c * (cw + kGap)));
        const int x1 = area.left() + int(std::round(offset + c * (cw + kGap) + cw));
        const int y0 = area.top() + int(std::round(r * (ch + kGap)));
        const int y1 = area.top() + int(std::round(r * (ch + kGap) + ch));
        m_tiles[i]->setGeometry(QRect(QPoint(x0, y0), QPoint(x1 - 1, y1 - 1)));
    }
}

void CameraGrid::keyPressEvent(QKeyEvent* event)
{
    // Arrow keys move the selection; Enter/F focus it; Esc goes back to the grid.
    const int n = int(m_tiles.size());
    int index = -1;
    for (int i = 0; i < n; ++i)
        if (m_tiles[i]->cameraId() == m_selected)
            index = i;
    const int cols = gridShape(n).width();
    int next = index;
    switch (event->key()) {
    case Qt::Key_Left: next = index - 1; break;
    case Qt::Key_Right: next = index + 1; break;
    case Qt::Key_Up: next = index - cols; break;
    case Qt::Key_Down: next = index + cols; break;
    case Qt::Key_Return:
    case Qt::Key_Enter:
    case Qt::Key_F:
        if (!m_selected.isEmpty())
            toggleFocus(m_selected);
        return;
    case Qt::Key_Escape:
        if (!m_focused.isEmpty()) {
            setFocusedCamera({});
            return;
        }
        break;
    default:
        break;
    }
    if (next != index && next >= 0 && next < n && m_focused.isEmpty()) {
        select(m_tiles[next]->cameraId());
        return;
    }
    QWidget::keyPressEvent(event);
}

} // namespace vigil
