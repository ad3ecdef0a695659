#pragma once
// Rebroadcasts the annotated results of cameras to browsers and other programs, on one port:
// HTTP (viewer page, JSON API, snapshots, MJPEG restream) and WebSocket (/ws, /ws/<id>).
// Lives in and runs entirely in the thread that created it; frames come from the processing
// workers through one LatestFrameSink per camera, so the pipeline is never blocked.
// Protocol: docs/rebroadcast.md.
#include <QHostAddress>
#include <QJsonArray>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QUrl>
#include <memory>

#include "rebroadcast/client_stats.h"
#include "rebroadcast/http_routes.h"

class QTcpServer;
class QTcpSocket;
class QWebSocket;

namespace vigil {

class Camera;
class CameraFeed;
class HttpFrontend;
class MjpegViewer;
class WsSession;

struct RebroadcastOptions {
    QHostAddress address = QHostAddress::LocalHost;  // 127.0.0.1 unless the user chooses another
    quint16 port = 0;                                 // 0: pick a free port
    QString token;                                    // empty: no token required
    qint64 maxClientBacklogBytes = 1 << 20;          // unsent bytes above which frames are replaced
};

class RebroadcastServer : public QObject, private RouteContext {
    Q_OBJECT
public:
    explicit RebroadcastServer(QObject* parent = nullptr);
    ~RebroadcastServer() override;

    bool start(const RebroadcastOptions& options, QString* error);  // clear error e.g. port in use
    void stop();
    bool isRunning() const;
    quint16 port() const;
    QUrl viewerUrl() const;                 // http://<address>:<port>/ (with ?token=... when set)

    void addCamera(Camera* camera);         // not owned; the server removes itself as sink on removeCamera/destruction
    void removeCamera(Camera* camera);
    int clientCount() const;

    // Per-client delivery counters (also at GET /api/clients).
    QList<RebroadcastClientStats> clientStats() const;
    RebroadcastOptions options() const { return m_options; }

signals:
    void clientsChanged(int count);

private:
    void onNewWebSocket();
    void rejectWebSocket(QWebSocket* socket, int code, const QString& reason);
    void removeFeed(CameraFeed* feed);
    void dropSession(WsSession* session);
    void dropMjpeg(MjpegViewer* client);
    CameraFeed* feedFor(const QString& id) const;

    // RouteContext
    QList<Camera*> routeCameras() const override;
    QString routeToken() const override { return m_options.token; }
    QJsonArray routeClients() const override;
    void routeStartMjpeg(Camera* camera, const QString& path, QTcpSocket* socket) override;

    RebroadcastOptions m_options;
    HttpFrontend* m_http = nullptr;          // exists while running
    QTcpServer* m_tcp = nullptr;             // owned by m_http
    QList<CameraFeed*> m_feeds;              // in the order cameras were added
    QList<WsSession*> m_sessions;
    QList<MjpegViewer*> m_mjpegClients;
};

} // namespace vigil
