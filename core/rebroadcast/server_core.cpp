#include "rebroadcast/server_core.h"

#include <QHostInfo>
#include <QTimer>
#include <QUrlQuery>
#include <QWebSocket>

#include "pipeline/camera.h"
#include "common/log.h"
#include "common/redact.h"
#include "rebroadcast/access_token.h"
#include "rebroadcast/camera_feed.h"
#include "rebroadcast/connection_gate.h"
#include "rebroadcast/http_frontend.h"
#include "rebroadcast/mjpeg_viewer.h"
#include "rebroadcast/ws_session.h"

namespace vigil {

// Private-use WebSocket close code (4000-4999) for "no such camera / endpoint".
static constexpr int kCloseNotFound = 4404;

ServerCore::ServerCore(std::shared_ptr<CameraRegistry> registry, QObject* parent)
    : QObject(parent), m_registry(std::move(registry))
{
}

ServerCore::~ServerCore()
{
    stop();
    for (const CameraRegistry::Entry& e : m_registry->entries())
        delete e.feed;  // only after RebroadcastServer cleared the registry (detached every feed)
}

bool ServerCore::start(const RebroadcastOptions& options, QString* error, quint16* port)
{
    stop();
    m_options = options;
    RequestPolicy policy;
    policy.token = options.token;
    policy.limits = options.limits;
    const QString hostName = QHostInfo::localHostName().toLower();
    if (!hostName.isEmpty())
        policy.localNames << hostName << hostName + ".local";
    auto* gate = new ConnectionGate(policy);
    if (!gate->listen(options.address, options.port)) {
        const QString msg = QStringLiteral("cannot listen on %1:%2: %3")
                                .arg(options.address.toString())
                                .arg(options.port)
                                .arg(gate->errorString());
        delete gate;
        qCWarning(lcServer).noquote() << "rebroadcast:" << msg;
        if (error)
            *error = msg;
        return false;
    }
    m_http = new HttpFrontend([this](const QHttpServerRequest& req, QTcpSocket* socket) {
        return handleHttpRequest(*this, req, socket);
    }, this);
    m_http->bind(gate);  // reparents gate to m_http
    m_gate = gate;
    connect(m_http, &QAbstractHttpServer::newWebSocketConnection, this, &ServerCore::onNewWebSocket);
    if (port)
        *port = gate->serverPort();
    return true;
}

void ServerCore::stop()
{
    const bool hadClients = m_clientCount.load() > 0;
    const QList<WsSession*> sessions = m_sessions;
    const QList<MjpegViewer*> clients = m_mjpegClients;
    m_sessions.clear();
    m_mjpegClients.clear();
    for (CameraFeed* feed : feeds()) {
        for (WsSession* s : sessions)
            feed->unsubscribe(s);
        for (MjpegViewer* c : clients)
            feed->unsubscribe(c);
    }
    qDeleteAll(sessions);
    qDeleteAll(clients);
    delete m_http;  // closes the listening socket and any open HTTP connections
    m_http = nullptr;
    m_gate = nullptr;
    m_clientCount.store(0);
    if (hadClients)
        emit clientsChanged(0);
}

void ServerCore::attachCamera(Camera* camera)
{
    CameraFeed* feed = m_registry->createFeed(camera, [this](Camera* c) { return new CameraFeed(c, this); });
    if (!feed)
        return;  // removed before this ran
    for (WsSession* s : std::as_const(m_sessions))
        if (s->cameraId().isEmpty())
            feed->subscribe(s);
}

void ServerCore::dropFeed(CameraFeed* feed, const QString& id)
{
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

QList<CameraFeed*> ServerCore::feeds() const
{
    QList<CameraFeed*> out;
    for (const CameraRegistry::Entry& e : m_registry->entries())
        if (e.feed)
            out.append(e.feed);
    return out;
}

CameraFeed* ServerCore::feedFor(const QString& id) const
{
    for (const CameraRegistry::Entry& e : m_registry->entries())
        if (e.id == id)
            return e.feed;
    return nullptr;
}

void ServerCore::publishCount()
{
    const int n = int(m_sessions.size() + m_mjpegClients.size());
    m_clientCount.store(n);
    emit clientsChanged(n);
}

QList<RebroadcastClientStats> ServerCore::clientStats() const
{
    QList<RebroadcastClientStats> out;
    for (const WsSession* s : m_sessions)
        out.append(s->stats());
    for (const MjpegViewer* c : m_mjpegClients)
        out.append(c->stats());
    return out;
}

void ServerCore::routeWithCameras(const std::function<void(const QList<Camera*>&)>& f) const
{
    m_registry->withCameras(f);
}

QJsonArray ServerCore::routeClients() const
{
    QJsonArray out;
    for (const RebroadcastClientStats& s : clientStats())
        out.append(s.toJson());
    return out;
}

void ServerCore::routeStartMjpeg(const QString& cameraId, const QString& path, QTcpSocket* socket)
{
    CameraFeed* feed = feedFor(cameraId);
    ProcessedFramePtr latest;
    m_registry->withCameras([&](const QList<Camera*>& cameras) {
        for (Camera* c : cameras)
            if (c->id() == cameraId)
                latest = c->latestFrame();
    });
    if (!feed) {
        socket->disconnectFromHost();
        return;
    }
    auto* client = new MjpegViewer(socket, cameraId, path, m_options.maxClientBacklogBytes, this);
    connect(client, &MjpegViewer::finished, this, [this, client] { dropMjpeg(client); });
    m_mjpegClients.append(client);
    feed->subscribe(client);
    qCInfo(lcServer).noquote() << "rebroadcast: MJPEG client" << socket->peerAddress().toString() << path;
    // Start with the latest result so the client sees a picture at once.
    if (latest)
        client->offerFrame(std::make_shared<const OutgoingFrame>(latest));
    publishCount();
}

void ServerCore::dropMjpeg(MjpegViewer* client)
{
    if (!m_mjpegClients.removeOne(client))
        return;
    for (CameraFeed* feed : feeds())
        feed->unsubscribe(client);
    client->deleteLater();
    publishCount();
}

void ServerCore::dropSession(WsSession* session)
{
    if (!m_sessions.removeOne(session))
        return;
    for (CameraFeed* feed : feeds())
        feed->unsubscribe(session);
    session->deleteLater();
    publishCount();
}

void ServerCore::rejectWebSocket(QWebSocket* socket, int code, const QString& reason)
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

void ServerCore::onNewWebSocket()
{
    while (m_http && m_http->hasPendingWebSocketConnections()) {
        std::unique_ptr<QWebSocket> ws = m_http->nextPendingWebSocketConnection();
        if (!ws)
            break;
        // Clients send almost nothing: a larger message or frame closes this client (1009).
        const quint64 maxIncoming = quint64(qMax<qint64>(m_options.limits.maxWsMessageBytes, 1));
        ws->setMaxAllowedIncomingMessageSize(maxIncoming);
        ws->setMaxAllowedIncomingFrameSize(maxIncoming);
        const QUrl url = ws->requestUrl();
        const QString peer = ws->peerAddress().toString();
        if (!tokenAccepted(m_options.token, url)) {
            if (m_gate && m_gate->rejections().shouldLog(peer, "ws-token"))
                qCWarning(lcServer).noquote() << "rebroadcast: refused WebSocket without a valid token from"
                                              << peer << url.path();
            rejectWebSocket(ws.release(), QWebSocketProtocol::CloseCodePolicyViolated, "valid token required");
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
            if (m_gate && m_gate->rejections().shouldLog(peer, "ws-camera"))
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
            for (CameraFeed* feed : feeds())
                feed->subscribe(session);
        }
        qCInfo(lcServer).noquote() << "rebroadcast: WebSocket client" << peer << path
                                   << (binary ? "binary" : "json");
        publishCount();
    }
}

} // namespace vigil
