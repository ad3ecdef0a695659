#pragma once
// One WebSocket client: latest-wins delivery of frames (JSON text or VGL1 binary) and stats.
// Bytes handed to the socket but not yet written are counted; above the limit, newer frames
// replace the one pending for that camera, so a slow client costs bounded memory and never
// delays anyone else. Event messages are not latest-wins (each one says something): they wait in
// order, bounded (see offerEvent).
#include <QHash>
#include <QList>
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
    // `?frames=0`: event messages only (e.g. another Vigil mirroring events); never subscribed to feeds.
    bool eventsOnly() const { return m_eventsOnly; }
    void setEventsOnly(bool on) { m_eventsOnly = on; }
    void offerFrame(const OutgoingFramePtr& frame) override;
    void offerStats(const QString& cameraId, const QByteArray& json) override;
    // An event message (a text message in both formats) about an event of cameraId (empty: for
    // every client, e.g. a delete that names only the id). While the client is too slow, messages
    // wait in order before any frame; a newer update of an event replaces its waiting update, and
    // beyond kMaxPendingEvents the oldest waiting message is dropped (counted).
    void offerEvent(const QString& cameraId, const QString& eventId, bool isUpdate, const QString& text);
    static constexpr int kMaxPendingEvents = 256;
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
    void sendEvent(const QString& text);
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
    struct PendingEvent {
        QString eventId;
        bool isUpdate = false;
        QString text;
    };
    QList<PendingEvent> m_pendingEvents;  // oldest first, at most kMaxPendingEvents
    quint64 m_eventsSent = 0;
    quint64 m_eventsDropped = 0;
    bool m_finished = false;
    bool m_eventsOnly = false;
};

} // namespace vigil
