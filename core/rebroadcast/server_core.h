#pragma once
// The rebroadcast server's insides, living in its own thread (RebroadcastServer owns the thread
// and is the API): the listening socket and its ConnectionGate, Qt's HTTP server, the WebSocket
// and MJPEG clients, and one CameraFeed per camera. Cameras are reached only through the shared
// CameraRegistry.
#include <QHostAddress>
#include <QJsonArray>
#include <QList>
#include <QObject>
#include <atomic>
#include <memory>

#include "rebroadcast/camera_registry.h"
#include "rebroadcast/client_stats.h"
#include "rebroadcast/http_routes.h"
#include "rebroadcast/rebroadcast_options.h"

class QWebSocket;

namespace vigil {

class CameraFeed;
class ConnectionGate;
class HttpFrontend;
class MjpegViewer;
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

    int clientCount() const { return m_clientCount.load(); }  // any thread

signals:
    void clientsChanged(int count);

private:
    void onNewWebSocket();
    void rejectWebSocket(QWebSocket* socket, int code, const QString& reason);
    void dropSession(WsSession* session);
    void dropMjpeg(MjpegViewer* client);
    void publishCount();
    CameraFeed* feedFor(const QString& id) const;
    QList<CameraFeed*> feeds() const;

    // RouteContext
    void routeWithCameras(const std::function<void(const QList<Camera*>&)>& f) const override;
    QString routeToken() const override { return m_options.token; }
    QJsonArray routeClients() const override;
    void routeStartMjpeg(const QString& cameraId, const QString& path, QTcpSocket* socket) override;

    std::shared_ptr<CameraRegistry> m_registry;
    RebroadcastOptions m_options;
    HttpFrontend* m_http = nullptr;          // exists while running
    ConnectionGate* m_gate = nullptr;        // owned by m_http
    QList<WsSession*> m_sessions;
    QList<MjpegViewer*> m_mjpegClients;
    std::atomic<int> m_clientCount{0};
};

} // namespace vigil
