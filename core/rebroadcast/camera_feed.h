#pragma once
// One camera as seen by the rebroadcast server: a LatestFrameSink that takes results off the
// worker threads without blocking them, and a fan-out to the subscribed clients in the server's
// thread. Also emits a stats message every kStatsEvery processed frames.
// Threads: lives in the server thread; detach() may be called from the camera's thread.
#include <QByteArray>
#include <QObject>
#include <QPointer>
#include <QString>
#include <memory>
#include <mutex>
#include <vector>

#include "pipeline/camera.h"
#include "processing/frame_sink.h"

namespace vigil {

class SourceViewer;

// A processed frame plus encodings shared by all clients (computed lazily, server thread only).
class OutgoingFrame {
public:
    explicit OutgoingFrame(ProcessedFramePtr frame) : m_frame(std::move(frame)) {}
    const ProcessedFrame& frame() const { return *m_frame; }
    const QByteArray& base64Jpeg() const;
    // The whole WebSocket message, encoded once and shared by every client served within the same
    // millisecond (the only per-client field is sent_ts, in ms). Server thread only.
    const QByteArray& binaryMessage(qint64 sentWallMs) const;
    const QString& textMessage(qint64 sentWallMs) const;

private:
    ProcessedFramePtr m_frame;
    mutable QByteArray m_base64;
    mutable QByteArray m_binary;
    mutable qint64 m_binaryMs = -1;
    mutable QString m_text;
    mutable qint64 m_textMs = -1;
};
using OutgoingFramePtr = std::shared_ptr<const OutgoingFrame>;

class FeedSubscriber {
public:
    virtual ~FeedSubscriber() = default;
    virtual void offerFrame(const OutgoingFramePtr& frame) = 0;
    virtual void offerStats(const QString& cameraId, const QByteArray& json) { Q_UNUSED(cameraId); Q_UNUSED(json); }
};

class CameraFeed : public QObject {
    Q_OBJECT
public:
    static constexpr quint64 kStatsEvery = 50;

    explicit CameraFeed(Camera* camera, QObject* parent = nullptr);
    ~CameraFeed() override;  // detach()

    QString cameraId() const { return m_id; }
    // Any thread: takes the sink off the camera; once it returns, the feed never touches the
    // camera again (no delivery, no stats), so the camera may be deleted. cameraAlive false: the
    // camera is being destroyed (its sinks go with it), only forget it.
    void detach(bool cameraAlive = true);
    void subscribe(FeedSubscriber* s);
    void unsubscribe(FeedSubscriber* s);
    // Server thread: makes the viewer a frame tap of the camera (while the feed is attached), so
    // that it gets every frame read. Once removeSourceViewer() or detach() returns, the camera
    // never calls the viewer again. False when the feed is detached already (camera gone).
    bool addSourceViewer(SourceViewer* viewer);
    void removeSourceViewer(SourceViewer* viewer);
    quint64 framesDispatched() const { return m_dispatched; }

private:
    void onFrameAvailable();

    mutable std::mutex m_cameraMutex;  // guards m_camera and m_sourceViewers against detach() from another thread
    Camera* m_camera;
    std::vector<SourceViewer*> m_sourceViewers;  // tapped into m_camera
    QString m_id;
    LatestFrameSink m_sink;
    std::vector<FeedSubscriber*> m_subscribers;
    quint64 m_statsBucket = 0;
    quint64 m_dispatched = 0;
};

} // namespace vigil
