#pragma once
// The clip player's timeline: where playback is, and where the event's object was detected
// (shaded ranges, a tick for a lone sighting). Click or drag to seek.
#include <QList>
#include <QWidget>

#include "events/clip_playback.h"

namespace vigil {

class SeekBar : public QWidget {
    Q_OBJECT
public:
    explicit SeekBar(QWidget* parent = nullptr);

    void setDurationMs(qint64 ms);
    qint64 durationMs() const { return m_durationMs; }
    void setPositionMs(qint64 ms);
    qint64 positionMs() const { return m_positionMs; }
    // Clip times (ms) in which the object was detected; clamped to the clip when drawn.
    void setDetectionRanges(const QList<ClipRange>& ranges);
    QList<ClipRange> detectionRanges() const { return m_ranges; }

    // The clip time under x (widget pixels), and back.
    qint64 msAt(int x) const;
    int xAt(qint64 ms) const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;
    static QColor detectionColour();

signals:
    void seekRequested(qint64 ms);
    void scrubStarted();
    void scrubFinished();

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;

private:
    QRect track() const;

    qint64 m_durationMs = 0;
    qint64 m_positionMs = 0;
    QList<ClipRange> m_ranges;
    bool m_scrubbing = false;
};

} // namespace vigil
