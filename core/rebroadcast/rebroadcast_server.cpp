#include "rebroadcast/rebroadcast_server.h"

#include <QTcpServer>
#include <QTimer>
#include <QUrlQuery>
#include <QWebSocket>

#include "pipeline/camera.h"
#include "common/log.h"
#include "common/redact.h"
#include "rebroadcast/access_token.h"
#include "rebroadcast/camera_feed.h"
#include "rebroadcast/http_frontend.h"
#include "rebroadcast/mjpeg_viewer.h"
#include "rebroadcast/ws_session.h"

// Static library: the viewer resources must be pulled in explicitly (outside any namespace).
static void initViewerResources() { Q_INIT_RESOURCE(vigil_viewer); }

namespace vigil {

// Private-use WebSocket close code (4000-4999) for "no such camera / endpoint".
static constexpr int kCloseNotFound = 4404;

RebroadcastServer::RebroadcastServer(QObject* parent) : QObject(parent)
{
    initViewerResources();
}

RebroadcastServer::~RebroadcastServer()
{
    stop();
    const QList<CameraFeed*> feeds = m_feeds;
    m_feeds.clear();
    qDeleteAll(feeds);  // detaches the sinks from the cameras
}

bool RebroadcastServer::start(const RebroadcastOptions& options, QString* error)
{
    stop();
    m_options = options;
    auto* tcp = new QTcpServer();
    if (!tcp->listen(options.address, options.port)) {
        const QString msg = QStringLiteral("cannot listen on %1:%2: %3")
                                .arg(options.address.toString())
                                .arg(options.port)
                                .arg(tcp->errorString());
        delete tcp;
        qCWarning(lcServer).noquote() << "rebroadcast:" << msg;
        if (error)
            *error = msg;
        return false;
    }
    m_http = new HttpFrontend([this](const QHttpServerRequest& req, QTcpSocket* socket) {
        return handleHttpRequest(*this, req, socket);
    }, this);
    m_http->bind(tcp);  // reparents tcp to m_http
    m_tcp = tcp;
    connect(m_http, &QAbstractHttpServer::newWebSocketConnection, this, &RebroadcastServer::onNewWebSocket);
    qCInfo(lcServer).noquote() << "rebroadcast: serving on" << redactedUrlString(viewerUrl());
    return true;
}

void RebroadcastServer::stop()
{
    const bool hadClients = clientCount() > 0;
    const QList<WsSession*> sessions = m_sessions;
    const QList<MjpegViewer*> clients = m_mjpegClients;
    m_sessions.clear();
    m_mjpegClients.clear();
    for (CameraFeed* feed : std::as_const(m_feeds)) {
        for (WsSession* s : sessions)
            feed->unsubscribe(s);
        for (MjpegViewer* c : clients)
            feed->unsubscribe(c);
    }
    qDeleteAll(sessions);
    qDeleteAll(clients);
    delete m_http;  // closes the listening socket and any open HTTP connections
    m_http = nullptr;
    m_tcp = nullptr;
    if (hadClients)
        emit clientsChanged(0);
}

bool RebroadcastServer::isRunning() const { return m_tcp && m_tcp->isListening(); }

quint16 RebroadcastServer::port() const { return m_tcp ? m_tcp->serverPort() : 0; }

QUrl RebroadcastServer::viewerUrl() const
{
    if (!isRunning())
        return {};
    QHostAddress host = m_options.address;
    // A wildcard address is not something to browse to: use loopback for the local user.
    if (host == QHostAddress::Any || host == QHostAddress::AnyIPv4)
        host = QHostAddress::LocalHost;
    else if (host == QHostAddress::AnyIPv6)
        host = QHostAddress::LocalHostIPv6;
    QUrl url;
    url.setScheme("http");
    url.setHost(host.toString());
    url.setPort(port());
    url.setPath("/");
    if (!m_options.token.isEmpty()) {
        QUrlQuery q;
        q.addQueryItem("token", QString::fromUtf8(QUrl::toPercentEncoding(m_options.token)));
        url.setQuery(q);
    }
    return url;
}

void RebroadcastServer::addCamera(Camera* camera)
{
    if (!camera || feedFor(camera->id()))
        return;
    auto* feed = new CameraFeed(camera, this);
    m_feeds.append(feed);
    // A camera destroyed without removeCamera(): drop its feed (the sink is gone with it).
    connect(camera, &QObject::destroyed, feed, [this, feed] { removeFeed(feed); });
    for (WsSession* s : std::as_const(m_sessions))
        if (s->cameraId().isEmpty())
            feed->subscribe(s);
}

void RebroadcastServer::removeCamera(Camera* camera)
{
    for (CameraFeed* feed : std::as_const(m_feeds)) {
        if (feed->camera() == camera) {
            removeFeed(feed);
            return;
        }
    }
}

void RebroadcastServer::removeFeed(CameraFeed* feed)
{
    if (!m_feeds.removeOne(feed))
        return;
    const QString id = feed->cameraId();
    // Clients of only this camera have nothing left to receive.
    for (WsSession* s : std::as_const(m_sessions))
        if (s->cameraId() == id)
            s->closeWith(QWebSocketProtocol::CloseCodeGoingAway, "camera removed");
    const QList<MjpegViewer*> clients = m_mjpegClients;
    for (MjpegViewer* c : clients)
        if (c->cameraId() == id)
            dropMjpeg(c);
    delete feed;
}

CameraFeed* RebroadcastServer::feedFor(const QString& id) const
{
    for (CameraFeed* feed : m_feeds)
        if (feed->cameraId() == id)
            return feed;
    return nullptr;
}

int RebroadcastServer::clientCount() const { return int(m_sessions.size() + m_mjpegClients.size()); }

QList<RebroadcastClientStats> RebroadcastServer::clientStats() const
{
    QList<RebroadcastClientStats> out;
    for (const WsSession* s : m_sessions)
        out.append(s->stats());
    for (const MjpegViewer* c : m_mjpegClients)
        out.append(c->stats());
    return out;
}

QList<Camera*> RebroadcastServer::routeCameras() const
{
    QList<Camera*> out;
    for (CameraFeed* feed : m_feeds)
        if (feed->camera())
            out.append(feed->camera());
    return out;
}

QJsonArray RebroadcastServer::routeClients() const
{
    QJsonArray out;
    for (const RebroadcastClientStats& s : clientStats())
        out.append(s.toJson());
    return out;
}

void RebroadcastServer::routeStartMjpeg(Camera* camera, const QString& path, QTcpSocket* socket)
{
    CameraFeed* feed = feedFor(camera->id());
    if (!feed)
        return;
    auto* client = new MjpegViewer(socket, camera->id(), path, m_options.maxClientBacklogBytes, this);
    connect(client, &MjpegViewer::finished, this, [this, client] { dropMjpeg(client); });
    m_mjpegClients.append(client);
    feed->subscribe(client);
    qCInfo(lcServer).noquote() << "rebroadcast: MJPEG client" << socket->peerAddress().toString() << path;
    // Start with the latest result so the client sees a picture at once.
    if (const ProcessedFramePtr latest = camera->latestFrame())
        client->offerFrame(std::make_shared<const OutgoingFrame>(latest));
    emit clientsChanged(clientCount());
}

void RebroadcastServer::dropMjpeg(MjpegViewer* client)
{
    if (!m_mjpegClients.removeOne(client))
        return;
    for (CameraFeed* feed : std::as_const(m_feeds))
        feed->unsubscribe(client);
    client->deleteLater();
    emit clientsChanged(clientCount());
}

void RebroadcastServer::dropSession(WsSession* session)
{
    if (!m_sessions.removeOne(session))
        return;
    for (CameraFeed* feed : std::as_const(m_feeds))
        feed->unsubscribe(session);
    session->deleteLater();
    emit clientsChanged(clientCount());
}

void RebroadcastServer::rejectWebSocket(QWebSocket* socket, int code, const QString& reason)
{
    // Keep the socket until the close handshake completes (or give up after a few seconds).
    socket->setParent(this);
    connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
    QTimer::singleShot(5000, socket, [socket] { socket->abort(); });
    // Closed from the event loop: QWebSocketServer still has a queued handshake step for this
    // socket, which warns ("peek: device not open") when the socket is already closed.
    QTimer::singleShot(0, socket, [socket, code, reason] {
        socket->close(static_cast<QWebSocketProtocol::CloseCode>(code), reason);
    });
}

void RebroadcastServer::onNewWebSocket()
{
    while (m_http && m_http->hasPendingWebSocketConnections()) {
        std::unique_ptr<QWebSocket> ws = m_http->nextPendingWebSocketConnection();
        if (!ws)
            break;
        const QUrl url = ws->requestUrl();
        const QString peer = ws->peerAddress().toString();
        if (!tokenAccepted(m_options.token, url)) {
            qCWarning(lcServer).noquote() << "rebroadcast: refused WebSocket without a valid token from"
                                          << peer << url.path();
            rejectWebSocket(ws.release(), QWebSocketProtocol::CloseCodePolicyViolated,
                            "valid token required");
            continue;
        }
        const QString path = url.path();
        QString cameraId;
        if (path.startsWith("/ws/"))
            cameraId = path.mid(4);
        else if (path != "/ws" && path != "/ws/") {
            rejectWebSocket(ws.release(), kCloseNotFound, "unknown endpoint " + path);
            continue;
        }
        CameraFeed* only = cameraId.isEmpty() ? nullptr : feedFor(cameraId);
        if (!cameraId.isEmpty() && !only) {
            qCInfo(lcServer).noquote() << "rebroadcast: WebSocket for unknown camera" << cameraId << "from" << peer;
            rejectWebSocket(ws.release(), kCloseNotFound, "unknown camera " + cameraId);
            continue;
        }
        const bool binary = QUrlQuery(url).queryItemValue("format") == "binary";
        auto* session = new WsSession(std::move(ws), cameraId, binary, m_options.maxClientBacklogBytes, this);
        connect(session, &WsSession::finished, this, [this, session] { dropSession(session); });
        m_sessions.append(session);
        if (only) {
            only->subscribe(session);
        } else {
            for (CameraFeed* feed : std::as_const(m_feeds))
                feed->subscribe(session);
        }
        qCInfo(lcServer).noquote() << "rebroadcast: WebSocket client" << peer << path
                                   << (binary ? "binary" : "json");
        emit clientsChanged(clientCount());
    }
}

} // namespace vigil
