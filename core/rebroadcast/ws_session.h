#pragma once
// One WebSocket client: latest-wins delivery of frames (JSON text or VGL1 binary) and stats.
// Bytes handed to the socket but not yet written are counted; above the limit, newer frames
// replace the one pending for that camera, so a slow client costs bounded memory and never
// delays anyone else.
#include <QHash>
#include <QObject>
#include <QWebSocket>
#include <memory>

#include "rebroadcast/camera_feed.h"
#include "rebroadcast/client_stats.h"

namespace vigil {

class WsSession : public QObject, public FeedSubscriber {
    Q_OBJECT
public:
    // cameraId empty: all cameras.
    WsSession(std::unique_ptr<QWebSocket> socket, const QString& cameraId, bool binary,
              qint64 maxBacklogBytes, QObject* parent = nullptr);
    ~WsSession() override;

    QString cameraId() const { return m_cameraId; }
    void offerFrame(const OutgoingFramePtr& frame) override;
    void offerStats(const QString& cameraId, const QByteArray& json) override;
    void closeWith(QWebSocketProtocol::CloseCode code, const QString& reason);
    RebroadcastClientStats stats() const;

signals:
    void finished();  // disconnected: the owner unsubscribes and deletes this session

private:
    struct Pending {
        OutgoingFramePtr frame;
        QByteArray stats;
    };
    bool canSend() const { return m_backlog < m_maxBacklog; }
    void send(const OutgoingFrame& frame);
    void sendStats(const QByteArray& json);
    void account(qint64 payloadBytes);
    void onBytesWritten(qint64 bytes);

    std::unique_ptr<QWebSocket> m_socket;
    QString m_cameraId;
    QString m_path;
    QString m_peer;
    bool m_binary;
    qint64 m_maxBacklog;
    qint64 m_backlog = 0;
    qint64 m_maxSeenBacklog = 0;
    quint64 m_sent = 0;
    quint64 m_superseded = 0;
    QHash<QString, Pending> m_pending;  // per camera: at most one frame and one stats message
    bool m_finished = false;
};

} // namespace vigil
