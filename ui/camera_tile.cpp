#include "camera_tile.h"

#include <QContextMenuEvent>
#include <QSet>
#include <QHelpEvent>
#include <QMenu>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QToolButton>
#include <QToolTip>
#include <algorithm>

#include "common/redact.h"
#include "icons.h"
#include "theme.h"

namespace vigil {

namespace {
// Cameras whose tile shows motion: a tile rebuilt for the same camera keeps the choice.
QSet<QString>& motionOverlayIds()
{
    static QSet<QString> ids;
    return ids;
}
} // namespace

CameraTile::CameraTile(Camera* camera, QWidget* parent)
    : QWidget(parent), m_camera(camera), m_id(camera->id()),
      m_sink(new LatestFrameSink(FrameFormat{QSize(), true, false}, this))
{
    setObjectName(QStringLiteral("tile-%1").arg(m_id));
    setAttribute(Qt::WA_OpaquePaintEvent);
    setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Ignored);
    setMinimumSize(160, 110);
    setFocusPolicy(Qt::ClickFocus);
    setMouseTracking(true);

    auto makeButton = [this](const QIcon& icon, const QString& tip) {
        auto* b = new QToolButton(this);
        b->setIcon(icon);
        b->setToolTip(tip);
        b->setAutoRaise(true);
        b->setIconSize(QSize(18, 18));
        b->setCursor(Qt::PointingHandCursor);
        b->setStyleSheet(QStringLiteral(
            "QToolButton { background: rgba(16,19,23,170); border: 1px solid rgba(255,255,255,40);"
            " border-radius: 6px; padding: 3px; }"
            "QToolButton:hover { background: rgba(61,165,244,200); }"));
        b->hide();
        return b;
    };
    m_snapshotButton = makeButton(icons::snapshot(), tr("Save a snapshot of this camera"));
    m_focusButton = makeButton(icons::focus(), tr("Show only this camera (double-click)"));
    connect(m_snapshotButton, &QToolButton::clicked, this, [this] { emit snapshotRequested(m_id); });
    connect(m_focusButton, &QToolButton::clicked, this, [this] { emit focusToggled(m_id); });

    connect(m_sink, &LatestFrameSink::frameAvailable, this, &CameraTile::onFrameAvailable);
    connect(camera, &Camera::stateChanged, this, [this] { update(); });
    connect(camera, &Camera::configChanged, this, [this] {
        if (m_camera)
            m_masks = m_camera->config().motion.masks;
        update();
    });
    m_masks = camera->config().motion.masks;
    m_showMotion = motionOverlayIds().contains(m_id);
    connect(camera, &Camera::detectorStatusChanged, this, [this] { update(); });
    camera->addSink(m_sink);
    if (ProcessedFramePtr last = camera->latestFrame()) {
        m_frame = last;
        m_pixmapStale = true;
        m_sinceFrame.start();
    }

    m_statsTimer.setInterval(500);
    connect(&m_statsTimer, &QTimer::timeout, this, &CameraTile::refreshStats);
    m_statsTimer.start();
    // Resizes come in bursts while the window is dragged: tell the workers once it settles.
    m_resizeTimer.setSingleShot(true);
    m_resizeTimer.setInterval(120);
    connect(&m_resizeTimer, &QTimer::timeout, this, &CameraTile::pushOutputSize);
}

CameraTile::~CameraTile()
{
    if (m_camera)
        m_camera->removeSink(m_sink);
}

void CameraTile::setSelected(bool selected)
{
    if (m_selected == selected)
        return;
    m_selected = selected;
    update();
}

void CameraTile::setFocused(bool focused)
{
    m_focused = focused;
    m_focusButton->setIcon(focused ? icons::grid() : icons::focus());
    m_focusButton->setToolTip(focused ? tr("Back to all cameras (Esc)") : tr("Show only this camera (double-click)"));
}

void CameraTile::setShowMotion(bool show)
{
    m_showMotion = show;
    if (show)
        motionOverlayIds().insert(m_id);
    else
        motionOverlayIds().remove(m_id);
    if (!show)
        m_motionText.clear();
    update();
}

void CameraTile::onFrameAvailable()
{
    ProcessedFramePtr frame = m_sink->take();
    if (!frame)
        return;
    m_frame = std::move(frame);
    m_pixmapStale = true;
    ++m_framesReceived;
    m_sinceFrame.start();
    if (isVisible())
        update();
}

void CameraTile::refreshStats()
{
    if (!m_camera)
        return;
    const StatsSnapshot s = m_camera->stats();
    m_outFps = s.outFps;
    m_latencyMs = s.latencyP50Ms;
    if (isVisible())
        update();
}

void CameraTile::pushOutputSize()
{
    if (!m_camera)
        return;
    const QSize px = (QSizeF(size()) * devicePixelRatioF()).toSize();
    if (px == m_sentOutputSize || px.isEmpty())
        return;
    m_sentOutputSize = px;
    // This tile's own format: other consumers (viewers, snapshots) keep theirs.
    m_sink->setFormat(FrameFormat{px, true, false});
}

void CameraTile::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    layoutButtons();
    if (m_sentOutputSize.isEmpty())
        pushOutputSize();  // first size: at once, so the first frames already fit
    else
        m_resizeTimer.start();
}

void CameraTile::layoutButtons()
{
    const int s = 30, m = 8;
    m_focusButton->setGeometry(width() - m - s, height() - m - s, s, s);
    m_snapshotButton->setGeometry(width() - 2 * (m + s) + m / 2, height() - m - s, s, s);
}

void CameraTile::enterEvent(QEnterEvent* event)
{
    QWidget::enterEvent(event);
    m_hover = true;
    m_snapshotButton->show();
    m_focusButton->show();
    update();
}

void CameraTile::leaveEvent(QEvent* event)
{
    QWidget::leaveEvent(event);
    m_hover = false;
    m_snapshotButton->hide();
    m_focusButton->hide();
    update();
}

QRect CameraTile::imageRect() const
{
    if (!m_frame || m_frame->image.isNull())
        return rect();
    QSize s = m_frame->image.size();
    s.scale(size(), Qt::KeepAspectRatio);
    return QRect(QPoint((width() - s.width()) / 2, (height() - s.height()) / 2), s);
}

void CameraTile::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.fillRect(rect(), theme::tileBackground());
    const CameraState state = m_camera ? m_camera->state() : CameraState::Idle;

    if (m_frame && !m_frame->image.isNull()) {
        if (m_pixmapStale) {
            m_pixmap = QPixmap::fromImage(m_frame->image);
            m_pixmapStale = false;
        }
        p.setRenderHint(QPainter::SmoothPixmapTransform);
        p.drawPixmap(imageRect(), m_pixmap);
        if (m_frame->seq != m_lastPaintedSeq) {
            m_lastPaintedSeq = m_frame->seq;
            ++m_framesPainted;
        }
        // A frozen picture must not look live.
        if (state != CameraState::Live)
            p.fillRect(imageRect(), QColor(10, 12, 15, 150));
        if (m_showMotion)
            paintMotion(p);
    }

    p.setRenderHint(QPainter::Antialiasing);
    // Top bar: name and state, on a fade so they stay readable on bright scenes.
    QLinearGradient fade(0, 0, 0, 44);
    fade.setColorAt(0, QColor(0, 0, 0, 170));
    fade.setColorAt(1, QColor(0, 0, 0, 0));
    p.fillRect(QRect(0, 0, width(), 44), fade);

    QFont nameFont = font();
    nameFont.setBold(true);
    nameFont.setPointSizeF(nameFont.pointSizeF() * 1.05);
    p.setFont(nameFont);
    p.setPen(QColor(0xf2, 0xf4, 0xf8));
    const QString name = m_camera ? m_camera->config().displayName() : m_id;
    const QRect badgeArea(width() - 150, 8, 142, 22);
    p.drawText(QRect(12, 8, width() - 24 - 120, 22), Qt::AlignLeft | Qt::AlignVCenter,
               p.fontMetrics().elidedText(name, Qt::ElideRight, width() - 24 - 120));
    paintBadge(p, badgeArea);

    p.setFont(font());
    if (!m_frame || m_frame->image.isNull()) {
        // No picture yet: say what is happening instead of a black box.
        QString text;
        switch (state) {
        case CameraState::Connecting: text = tr("Connecting…"); break;
        case CameraState::Reconnecting: text = tr("Reconnecting…"); break;
        case CameraState::Error: text = tr("Cannot connect"); break;
        case CameraState::Stalled: text = tr("Stream stalled"); break;
        case CameraState::Live: text = tr("Waiting for the first frame…"); break;
        case CameraState::Idle: text = tr("Stopped"); break;
        }
        const QString reason = m_camera ? redactedText(m_camera->stateReason()) : QString();
        p.setPen(QColor(0xc9, 0xd1, 0xd9));
        QFont big = font();
        big.setPointSizeF(big.pointSizeF() * 1.25);
        p.setFont(big);
        const QRect mid = rect().adjusted(20, 0, -20, 0);
        p.drawText(mid.adjusted(0, 0, 0, -24), Qt::AlignCenter, text);
        if (!reason.isEmpty() && state != CameraState::Live) {
            p.setFont(font());
            p.setPen(QColor(0x8b, 0x94, 0x9e));
            p.drawText(QRect(mid.left(), height() / 2 + 4, mid.width(), height() / 2 - 50),
                       Qt::AlignHCenter | Qt::AlignTop | Qt::TextWordWrap, reason);
        }
    } else {
        // Bottom-left: output rate and latency.
        const QString info = m_latencyMs > 0
            ? QStringLiteral("%1 fps · %2 ms").arg(m_outFps, 0, 'f', 1).arg(m_latencyMs, 0, 'f', m_latencyMs < 10 ? 1 : 0)
            : QStringLiteral("%1 fps").arg(m_outFps, 0, 'f', 1);
        QFont small = font();
        small.setPointSizeF(small.pointSizeF() * 0.9);
        p.setFont(small);
        const int w = p.fontMetrics().horizontalAdvance(info) + 16;
        const QRectF pill(10, height() - 32, w, 22);
        p.setPen(Qt::NoPen);
        p.setBrush(QColor(16, 19, 23, 185));
        p.drawRoundedRect(pill, 6, 6);
        p.setPen(QColor(0xe6, 0xea, 0xef));
        p.drawText(pill, Qt::AlignCenter, info);
        // Detection asked for but not running: say so where the user looks, not only in a tooltip.
        const bool detectorDown = m_camera && m_camera->config().detects() && m_camera->detectorFailed();
        QString det;
        QColor detColour = theme::accent();
        if (detectorDown) {
            det = tr("⚠ Detection unavailable");
            detColour = theme::warning();
        } else if (m_frame && !m_frame->detections.isEmpty()) {
            const int n = int(m_frame->detections.size());
            det = n == 1 ? tr("1 object") : tr("%1 objects").arg(n);
        }
        m_detectorPillRect = QRect();
        if (!det.isEmpty()) {
            const int dw = p.fontMetrics().horizontalAdvance(det) + 16;
            const QRectF dpill(pill.right() + 6, pill.top(), dw, 22);
            p.setPen(Qt::NoPen);
            p.setBrush(QColor(16, 19, 23, 185));
            p.drawRoundedRect(dpill, 6, 6);
            p.setPen(detColour);
            p.drawText(dpill, Qt::AlignCenter, det);
            if (detectorDown)
                m_detectorPillRect = dpill.toRect();
        }
    }

    paintEvents(p);

    // Frame: accent when selected.
    p.setBrush(Qt::NoBrush);
    if (m_selected) {
        p.setPen(QPen(theme::accent(), 2));
        p.drawRect(QRectF(rect()).adjusted(1, 1, -1, -1));
    } else {
        p.setPen(QPen(QColor(255, 255, 255, m_hover ? 60 : 22), 1));
        p.drawRect(QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5));
    }
}

void CameraTile::setActiveEvents(const QStringList& labels)
{
    if (labels == m_activeEvents)
        return;
    m_activeEvents = labels;
    update();
}

void CameraTile::paintEvents(QPainter& p)
{
    if (m_activeEvents.isEmpty())
        return;
    // "person ×2 · car": one entry per label, counted; the edge takes the first label's colour.
    QStringList labels;
    QList<int> counts;
    for (const QString& l : std::as_const(m_activeEvents)) {
        const int i = int(labels.indexOf(l));
        if (i < 0) {
            labels << l;
            counts << 1;
        } else {
            ++counts[i];
        }
    }
    QStringList parts;
    for (int i = 0; i < labels.size(); ++i)
        parts << (counts[i] > 1 ? QStringLiteral("%1 ×%2").arg(labels[i]).arg(counts[i]) : labels[i]);
    const QColor colour = theme::labelColour(labels.first());
    p.save();
    p.setBrush(Qt::NoBrush);
    p.setPen(QPen(colour, 4));
    p.drawRect(QRectF(rect()).adjusted(2, 2, -2, -2));
    QFont bold = font();
    bold.setBold(true);
    p.setFont(bold);
    const QString text = QStringLiteral("● ") + parts.join(QStringLiteral(" · "));
    const int w = std::min(width() - 24, p.fontMetrics().horizontalAdvance(text) + 18);
    const QRectF pill(12, 36, w, 22);
    p.setPen(Qt::NoPen);
    p.setBrush(colour);
    p.drawRoundedRect(pill, 6, 6);
    p.setPen(QColor(0x10, 0x12, 0x16));
    p.drawText(pill, Qt::AlignCenter, p.fontMetrics().elidedText(text, Qt::ElideRight, w - 10));
    p.restore();
}

void CameraTile::paintMotion(QPainter& p)
{
    const QRect pic = imageRect();
    const QSize src = m_frame->sourceSize.isValid() ? m_frame->sourceSize : m_frame->image.size();
    if (src.isEmpty())
        return;
    p.save();
    p.setRenderHint(QPainter::Antialiasing);
    // Masks: motion is ignored there; shaded so a tuned mask is visibly where it should be.
    p.setPen(QPen(QColor(0xf0, 0x88, 0x3e, 200), 1));
    p.setBrush(QColor(0xf0, 0x88, 0x3e, 70));
    for (const QPolygonF& rel : std::as_const(m_masks)) {
        QPolygonF poly;
        for (const QPointF& pt : rel)
            poly << QPointF(pic.left() + pt.x() * pic.width(), pic.top() + pt.y() * pic.height());
        p.drawPolygon(poly);
    }
    // Moving regions: source pixels scaled to the painted picture.
    const double sx = double(pic.width()) / src.width(), sy = double(pic.height()) / src.height();
    p.setPen(QPen(QColor(0xff, 0xd3, 0x3d), 1.5));
    p.setBrush(Qt::NoBrush);
    for (const QRect& b : m_frame->motionBoxes)
        p.drawRect(QRectF(pic.left() + b.x() * sx, pic.top() + b.y() * sy, b.width() * sx, b.height() * sy));

    m_motionText = (m_frame->motion ? tr("motion %1%").arg(m_frame->motionPct, 0, 'f', 1) : tr("no motion"))
                   + QStringLiteral(" · ") + (m_frame->inferred ? tr("inferred") : tr("not inferred"));
    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.9);
    p.setFont(small);
    const int w = p.fontMetrics().horizontalAdvance(m_motionText) + 16;
    const QRectF pill(10, height() - 58, w, 22);
    p.setPen(Qt::NoPen);
    p.setBrush(QColor(16, 19, 23, 185));
    p.drawRoundedRect(pill, 6, 6);
    p.setPen(m_frame->motion ? QColor(0xff, 0xd3, 0x3d) : QColor(0xc9, 0xd1, 0xd9));
    p.drawText(pill, Qt::AlignCenter, m_motionText);
    p.restore();
}

QString CameraTile::tooltipStats() const
{
    const StatsSnapshot s = m_camera->stats();
    QString tip = tr("\nMotion: %1 (%2%), analysis %3 ms")
                      .arg(s.motion ? tr("yes") : tr("no"))
                      .arg(s.motionPct, 0, 'f', 1)
                      .arg(s.motionMs, 0, 'f', s.motionMs < 10 ? 1 : 0);
    tip += tr("\nInferences: %1/s, %2 in total; not inferred (no motion): %3")
               .arg(s.inferFps, 0, 'f', 1)
               .arg(s.inferences)
               .arg(s.gatedNoMotion);
    return tip;
}

void CameraTile::paintBadge(QPainter& p, const QRect& area)
{
    const CameraState state = m_camera ? m_camera->state() : CameraState::Idle;
    const QColor colour = theme::stateColour(state);
    const QString label = stateName(state).toUpper();
    QFont f = font();
    f.setBold(true);
    f.setPointSizeF(f.pointSizeF() * 0.8);
    p.setFont(f);
    const int w = p.fontMetrics().horizontalAdvance(label) + 26;
    const QRectF pill(area.right() - w, area.top(), w, area.height());
    p.setPen(Qt::NoPen);
    p.setBrush(QColor(16, 19, 23, 200));
    p.drawRoundedRect(pill, area.height() / 2.0, area.height() / 2.0);
    p.setBrush(colour);
    p.drawEllipse(QPointF(pill.left() + 11, pill.center().y()), 4, 4);
    p.setPen(colour.lighter(130));
    p.drawText(pill.adjusted(19, 0, -7, 0), Qt::AlignVCenter | Qt::AlignLeft, label);
    m_badgeRect = pill.toRect();
}

bool CameraTile::event(QEvent* event)
{
    if (event->type() == QEvent::ToolTip && m_camera) {
        auto* help = static_cast<QHelpEvent*>(event);
        const QRect badge = m_badgeRect;
        QString tip;
        if (m_detectorPillRect.contains(help->pos())) {
            tip = redactedText(m_camera->detectorStatus()) + tr("\n\nClick to choose a model for this camera.");
        } else if (badge.contains(help->pos())) {
            tip = stateName(m_camera->state());
            const QString reason = redactedText(m_camera->stateReason());
            if (!reason.isEmpty())
                tip += QStringLiteral(": ") + reason;
            const QString det = redactedText(m_camera->detectorStatus());
            if (!det.isEmpty())
                tip += QStringLiteral("\nDetector: ") + det;
        } else {
            tip = m_camera->config().displayName() + QStringLiteral("\n") + redactedUrlString(m_camera->config().url);
            // The display's own latest-wins: results replaced before the GUI got to them.
            tip += tr("\nOn screen: %1 results painted, %2 superseded by a newer one before painting")
                       .arg(m_framesPainted)
                       .arg(m_sink->superseded() + (m_framesReceived - std::min(m_framesReceived, m_framesPainted)));
            tip += tooltipStats();
        }
        QToolTip::showText(help->globalPos(), tip, this);
        return true;
    }
    return QWidget::event(event);
}

void CameraTile::mousePressEvent(QMouseEvent* event)
{
    if (event->button() == Qt::LeftButton && m_detectorPillRect.contains(event->pos())) {
        emit clicked(m_id);
        emit editRequested(m_id);
        return;
    }
    if (event->button() == Qt::LeftButton || event->button() == Qt::RightButton)
        emit clicked(m_id);
    QWidget::mousePressEvent(event);
}

void CameraTile::mouseMoveEvent(QMouseEvent* event)
{
    // The pill is a link to the camera's model setting.
    if (m_detectorPillRect.contains(event->pos()))
        setCursor(Qt::PointingHandCursor);
    else
        unsetCursor();
    QWidget::mouseMoveEvent(event);
}

void CameraTile::mouseDoubleClickEvent(QMouseEvent* event)
{
    if (event->button() == Qt::LeftButton)
        emit focusToggled(m_id);
}

void CameraTile::contextMenuEvent(QContextMenuEvent* event)
{
    QMenu menu(this);
    menu.addAction(icons::snapshot(), tr("Save snapshot"), this, [this] { emit snapshotRequested(m_id); });
    menu.addAction(m_focused ? icons::grid() : icons::focus(), m_focused ? tr("Back to grid") : tr("Show only this camera"),
                   this, [this] { emit focusToggled(m_id); });
    menu.addAction(icons::stats(), tr("Tune frame rate…"), this, [this] { emit tuneRequested(m_id); });
    QAction* motion = menu.addAction(tr("Show motion"), this, [this](bool on) { setShowMotion(on); });
    motion->setObjectName("showMotion");
    motion->setCheckable(true);
    motion->setChecked(m_showMotion);
    motion->setToolTip(tr("Outline moving regions, shade the motion masks and say whether each frame was inferred"));
    menu.addSeparator();
    menu.addAction(icons::edit(), tr("Edit camera…"), this, [this] { emit editRequested(m_id); });
    menu.addAction(icons::remove(), tr("Remove camera…"), this, [this] { emit removeRequested(m_id); });
    menu.exec(event->globalPos());
}

} // namespace vigil
