#pragma once
// One camera's live view: the annotated image (aspect kept), name, state badge and a small
// FPS/latency overlay. Frames arrive through a LatestFrameSink (latest wins); the tile repaints
// through update(), which Qt coalesces, so painting never holds up the pipeline.
#include <QElapsedTimer>
#include <QPixmap>
#include <QPointer>
#include <QTimer>
#include <QWidget>

#include "pipeline/camera.h"
#include "processing/frame_sink.h"

class QToolButton;

namespace vigil {

class CameraTile : public QWidget {
    Q_OBJECT
public:
    explicit CameraTile(Camera* camera, QWidget* parent = nullptr);
    ~CameraTile() override;

    Camera* camera() const { return m_camera; }
    QString cameraId() const { return m_id; }
    void setSelected(bool selected);
    bool isSelected() const { return m_selected; }
    void setFocused(bool focused);     // shown alone (changes the focus button)
    // "Show motion": moving regions, masks and whether the frame was inferred, for tuning the
    // motion settings. Remembered per camera id for the session (tiles come and go with the grid).
    void setShowMotion(bool show);
    bool showsMotion() const { return m_showMotion; }
    // Labels of this camera's events in progress (one entry per event): shown as a coloured edge
    // and a label pill for as long as they last. Empty: none.
    void setActiveEvents(const QStringList& labels);
    QStringList activeEvents() const { return m_activeEvents; }

    // For tests and diagnostics.
    quint64 framesReceived() const { return m_framesReceived; }
    quint64 framesPainted() const { return m_framesPainted; }
    const LatestFrameSink* sink() const { return m_sink; }
    ProcessedFramePtr currentFrame() const { return m_frame; }
    QRect detectorWarningRect() const { return m_detectorPillRect; }  // empty when not shown
    QRect stateBadgeRect() const { return m_badgeRect; }  // hover: state, reason and detector
    QRect pictureRect() const { return imageRect(); }       // where the frame is painted
    QString motionText() const { return m_motionText; }     // the overlay's label; empty when off

signals:
    void clicked(const QString& id);
    void focusToggled(const QString& id);
    void snapshotRequested(const QString& id);
    void editRequested(const QString& id);
    void removeRequested(const QString& id);
    void tuneRequested(const QString& id);

protected:
    bool event(QEvent* event) override;
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void contextMenuEvent(QContextMenuEvent* event) override;
    void enterEvent(QEnterEvent* event) override;
    void leaveEvent(QEvent* event) override;

private:
    void onFrameAvailable();
    void refreshStats();
    void pushOutputSize();
    void layoutButtons();
    QRect imageRect() const;
    void paintBadge(QPainter& p, const QRect& area);
    void paintMotion(QPainter& p);
    void paintEvents(QPainter& p);
    QString tooltipStats() const;

    QPointer<Camera> m_camera;
    QString m_id;
    LatestFrameSink* m_sink;
    ProcessedFramePtr m_frame;
    QPixmap m_pixmap;                 // m_frame->image converted once, painted many times
    bool m_pixmapStale = false;
    quint64 m_framesReceived = 0;
    quint64 m_framesPainted = 0;
    quint64 m_lastPaintedSeq = 0;
    double m_outFps = 0;
    double m_latencyMs = 0;
    QElapsedTimer m_sinceFrame;       // for "no picture for N s"
    QTimer m_statsTimer;
    QTimer m_resizeTimer;
    QSize m_sentOutputSize;
    bool m_selected = false;
    bool m_focused = false;
    bool m_hover = false;
    bool m_showMotion = false;
    QList<QPolygonF> m_masks;         // the camera's motion masks (relative), cached on configChanged
    QString m_motionText;
    QStringList m_activeEvents;
    QRect m_badgeRect;
    QRect m_detectorPillRect;         // "Detection unavailable": tooltip and click target
    QToolButton* m_snapshotButton;
    QToolButton* m_focusButton;
};

} // namespace vigil
