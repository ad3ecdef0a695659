#pragma once
// The rebroadcast server's insides, living in its own thread (RebroadcastServer owns the thread
// and is the API): the listening socket and its ConnectionGate, Qt's HTTP server, the WebSocket
// and MJPEG clients (annotated restream and source), and one CameraFeed per camera. Cameras are reached only through the shared
// CameraRegistry.
#include <QHostAddress>
#include <QJsonArray>
#include <QList>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QTcpSocket>
#include <atomic>
#include <list>
#include <memory>
#include <thread>

#include "rebroadcast/camera_registry.h"
#include "rebroadcast/client_stats.h"
#include "rebroadcast/http_routes.h"
#include "rebroadcast/rebroadcast_options.h"

class QWebSocket;

namespace vigil {

class CameraFeed;
class ConnectionGate;
class EventService;
class EventStore;
class HttpFrontend;
class MjpegViewer;
class SourceViewer;
class WsSession;

class ServerCore : public QObject, private RouteContext {
    Q_OBJECT
public:
    explicit ServerCore(std::shared_ptr<CameraRegistry> registry, QObject* parent = nullptr);
    ~ServerCore() override;

    // Server thread.
    bool start(const RebroadcastOptions& options, QString* error, quint16* port);
    void stop();
    void attachCamera(Camera* camera);                 // creates the feed (if still registered)
    void dropFeed(CameraFeed* feed, const QString& id);  // after CameraRegistry::remove()
    QList<RebroadcastClientStats> clientStats() const;
    // Not owned; null detaches. Waits for deletes in flight through the previous service, so the
    // caller may destroy that service afterwards.
    void setEventService(EventService* service);
    void setMqttStatusBoard(std::shared_ptr<const MqttStatusBoard> board) { m_mqttBoard = std::move(board); }

    // At most this many DELETE /api/events/<id> wait for the events thread at once (each waits up
    // to 5 s there); more get 503.
    static constexpr int kMaxPendingDeletes = 4;

    int clientCount() const { return m_clientCount.load(); }  // any thread

signals:
    void clientsChanged(int count);

private:
    void onNewWebSocket();
    void rejectWebSocket(QWebSocket* socket, int code, const QString& reason);
    void dropSession(WsSession* session);
    void dropMjpeg(MjpegViewer* client);
    void dropSource(SourceViewer* viewer);
    void publishCount();
    void onEventChanged(const QString& kind, const QJsonObject& event);
    void finishDelete(int ticket, const QString& error);
    void joinDeletes();
    CameraFeed* feedFor(const QString& id) const;
    QList<CameraFeed*> feeds() const;

    // RouteContext
    void routeWithCameras(const std::function<void(const QList<Camera*>&)>& f) const override;
    QString routeToken() const override { return m_options.token; }
    QJsonArray routeClients() const override;
    MqttStatus routeMqttStatus() const override;
    void routeStartMjpeg(const QString& cameraId, const QString& path, QTcpSocket* socket) override;
    void routeStartSource(const QString& cameraId, const QString& path, QTcpSocket* socket) override;
    EventStore* routeEventStore() override;
    void routeDeleteEvent(const QString& id, QTcpSocket* socket) override;

    std::shared_ptr<CameraRegistry> m_registry;
    RebroadcastOptions m_options;
    HttpFrontend* m_http = nullptr;          // exists while running
    ConnectionGate* m_gate = nullptr;        // owned by m_http
    QList<WsSession*> m_sessions;
    QList<MjpegViewer*> m_mjpegClients;
    QList<SourceViewer*> m_sourceViewers;
    std::atomic<int> m_clientCount{0};

    EventService* m_events = nullptr;        // not owned (see setEventService)
    std::shared_ptr<const MqttStatusBoard> m_mqttBoard;
    QString m_eventsFolder;
    std::unique_ptr<EventStore> m_eventReader;  // this thread's reader; opened on first use
    struct PendingDelete {
        int ticket = 0;
        QString id;
        QPointer<QTcpSocket> socket;     // server thread only
        std::thread thread;
    };
    std::list<PendingDelete> m_deletes;      // threads waiting in EventService::removeEvent
    int m_nextTicket = 0;
};

} // namespace vigil
