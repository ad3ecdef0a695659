#pragma once
// One client of /cameras/<id>/stream.mjpeg: writes the multipart/x-mixed-replace response on the
// socket taken over from the HTTP server. Latest-wins like WsSession: while the socket's unsent
// bytes exceed the limit, newer frames replace the pending one.
#include <QObject>
#include <QPointer>
#include <QTcpSocket>

#include "rebroadcast/camera_feed.h"
#include "rebroadcast/client_stats.h"

namespace vigil {

class MjpegViewer : public QObject, public FeedSubscriber {
    Q_OBJECT
public:
    // Writes the response headers immediately. The socket stays owned by the HTTP server.
    MjpegViewer(QTcpSocket* socket, const QString& cameraId, const QString& path, qint64 maxBacklogBytes, QObject* parent = nullptr);
    ~MjpegViewer() override;  // closes the connection if still open

    QString cameraId() const { return m_cameraId; }
    void offerFrame(const OutgoingFramePtr& frame) override;
    RebroadcastClientStats stats() const;

signals:
    void finished();

private:
    bool canSend() const;
    void send(const ProcessedFrame& frame);
    void onBytesWritten();
    void finish();

    QPointer<QTcpSocket> m_socket;
    QString m_cameraId;
    QString m_path;
    QString m_peer;
    qint64 m_maxBacklog;
    qint64 m_maxSeenBacklog = 0;
    OutgoingFramePtr m_pending;
    quint64 m_sent = 0;
    quint64 m_superseded = 0;
    bool m_finished = false;
};

} // namespace vigil
