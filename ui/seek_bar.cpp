#include "seek_bar.h"

#include <QMouseEvent>
#include <QPainter>
#include <algorithm>

#include "theme.h"

namespace vigil {

namespace {
constexpr int kHandleRadius = 6;
constexpr int kGrooveHeight = 6;
} // namespace

SeekBar::SeekBar(QWidget* parent) : QWidget(parent)
{
    setMouseTracking(false);
    setCursor(Qt::PointingHandCursor);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
}

QColor SeekBar::detectionColour()
{
    return theme::warning();
}

QSize SeekBar::sizeHint() const
{
    return {400, 2 * kHandleRadius + 10};
}

QSize SeekBar::minimumSizeHint() const
{
    return {60, 2 * kHandleRadius + 10};
}

void SeekBar::setDurationMs(qint64 ms)
{
    m_durationMs = std::max<qint64>(0, ms);
    update();
}

void SeekBar::setPositionMs(qint64 ms)
{
    if (ms == m_positionMs)
        return;
    m_positionMs = ms;
    update();
}

void SeekBar::setDetectionRanges(const QList<ClipRange>& ranges)
{
    m_ranges = ranges;
    update();
}

QRect SeekBar::track() const
{
    // Inset by the handle, so both ends of the clip can be grabbed.
    return rect().adjusted(kHandleRadius + 1, 0, -kHandleRadius - 1, 0);
}

qint64 SeekBar::msAt(int x) const
{
    const QRect t = track();
    if (m_durationMs <= 0 || t.width() <= 1)
        return 0;
    const double f = std::clamp(double(x - t.left()) / double(t.width() - 1), 0.0, 1.0);
    return qRound64(f * double(m_durationMs));
}

int SeekBar::xAt(qint64 ms) const
{
    const QRect t = track();
    if (m_durationMs <= 0)
        return t.left();
    const double f = std::clamp(double(ms) / double(m_durationMs), 0.0, 1.0);
    return t.left() + qRound(f * (t.width() - 1));
}

void SeekBar::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QRect t = track();
    const int cy = height() / 2;
    const QRectF groove(t.left(), cy - kGrooveHeight / 2.0, t.width(), kGrooveHeight);
    const bool enabled = isEnabled() && m_durationMs > 0;
    p.setPen(Qt::NoPen);
    p.setBrush(palette().color(QPalette::Light));
    p.drawRoundedRect(groove, 3, 3);

    const int x = xAt(m_positionMs);
    if (enabled) {
        QColor played = theme::accent();
        played.setAlpha(150);
        p.setBrush(played);
        p.drawRoundedRect(QRectF(groove.left(), groove.top(), x - groove.left(), groove.height()), 3, 3);
    }
    // Detections: a shaded span per run, at least a 2 px tick so a lone sighting shows.
    QColor detection = detectionColour();
    if (!enabled)
        detection.setAlpha(90);
    p.setBrush(detection);
    for (const ClipRange& r : m_ranges) {
        if (r.endMs < 0 || r.startMs > m_durationMs)
            continue;
        const int x0 = xAt(r.startMs), x1 = std::max(xAt(r.endMs), x0 + 2);
        p.drawRect(QRectF(x0, groove.top() - 2, x1 - x0, groove.height() + 4));
    }
    if (!enabled)
        return;
    p.setBrush(theme::accent());
    p.setPen(QPen(palette().color(QPalette::Window), 1.5));
    p.drawEllipse(QPointF(x, cy), kHandleRadius, kHandleRadius);
}

void SeekBar::mousePressEvent(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton || m_durationMs <= 0) {
        QWidget::mousePressEvent(event);
        return;
    }
    m_scrubbing = true;
    emit scrubStarted();
    const qint64 ms = msAt(event->position().toPoint().x());
    setPositionMs(ms);
    emit seekRequested(ms);
}

void SeekBar::mouseMoveEvent(QMouseEvent* event)
{
    if (!m_scrubbing)
        return;
    const qint64 ms = msAt(event->position().toPoint().x());
    if (ms == m_positionMs)
        return;
    setPositionMs(ms);
    emit seekRequested(ms);
}

void SeekBar::mouseReleaseEvent(QMouseEvent* event)
{
    if (!m_scrubbing || event->button() != Qt::LeftButton)
        return;
    m_scrubbing = false;
    emit scrubFinished();
}

} // namespace vigil
