#include "rebroadcast/server_core.h"

#include <algorithm>

#include <QHostInfo>
#include <QJsonDocument>
#include <QTimer>
#include <QUrlQuery>
#include <QWebSocket>

#include "pipeline/camera.h"
#include "common/log.h"
#include "common/redact.h"
#include "events/event_service.h"
#include "events/event_store.h"
#include "rebroadcast/access_token.h"
#include "rebroadcast/camera_feed.h"
#include "rebroadcast/connection_gate.h"
#include "rebroadcast/http_frontend.h"
#include "rebroadcast/mjpeg_viewer.h"
#include "rebroadcast/source_viewer.h"
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
    joinDeletes();  // they call the EventService, which the owner destroys after this server
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
    const QList<SourceViewer*> sources = m_sourceViewers;
    m_sessions.clear();
    m_mjpegClients.clear();
    m_sourceViewers.clear();
    for (CameraFeed* feed : feeds()) {
        for (WsSession* s : sessions)
            feed->unsubscribe(s);
        for (MjpegViewer* c : clients)
            feed->unsubscribe(c);
        for (SourceViewer* v : sources)
            feed->removeSourceViewer(v);  // no reader calls them after this
    }
    qDeleteAll(sessions);
    qDeleteAll(clients);
    qDeleteAll(sources);
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
        if (s->cameraId().isEmpty() && !s->eventsOnly())
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
    // Their taps went with the feed's detach(); nothing more will come.
    const QList<SourceViewer*> sources = m_sourceViewers;
    for (SourceViewer* v : sources)
        if (v->cameraId() == id)
            dropSource(v);
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
    const int n = int(m_sessions.size() + m_mjpegClients.size() + m_sourceViewers.size());
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
    for (const SourceViewer* v : m_sourceViewers)
        out.append(v->stats());
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

void ServerCore::routeStartSource(const QString& cameraId, const QString& path, QTcpSocket* socket)
{
    CameraFeed* feed = feedFor(cameraId);
    if (!feed) {
        socket->disconnectFromHost();
        return;
    }
    auto* viewer = new SourceViewer(socket, cameraId, path, m_options.maxClientBacklogBytes, this);
    // Tapped before the event loop runs again, so the response head reaches the client only once
    // every following frame will.
    if (!feed->addSourceViewer(viewer)) {
        delete viewer;
        return;
    }
    connect(viewer, &SourceViewer::finished, this, [this, viewer] { dropSource(viewer); });
    m_sourceViewers.append(viewer);
    qCInfo(lcServer).noquote() << "rebroadcast: source MJPEG client" << socket->peerAddress().toString() << path;
    publishCount();
}

void ServerCore::dropSource(SourceViewer* viewer)
{
    if (!m_sourceViewers.removeOne(viewer))
        return;
    for (CameraFeed* feed : feeds())
        feed->removeSourceViewer(viewer);  // once it returns the reader never calls the viewer
    viewer->deleteLater();
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
        const QUrlQuery query(url);
        const bool binary = query.queryItemValue("format") == "binary";
        auto* session = new WsSession(std::move(ws), cameraId, binary, m_options.maxClientBacklogBytes, this);
        session->setEventsOnly(query.queryItemValue("frames") == "0");
        connect(session, &WsSession::finished, this, [this, session] { dropSession(session); });
        m_sessions.append(session);
        if (session->eventsOnly()) {
            // Event messages only: no frames or stats.
        } else if (only) {
            only->subscribe(session);
        } else {
            for (CameraFeed* feed : feeds())
                feed->subscribe(session);
        }
        qCInfo(lcServer).noquote() << "rebroadcast: WebSocket client" << peer << path
                                   << (session->eventsOnly() ? "events only" : binary ? "binary" : "json");
        publishCount();
    }
}

} // namespace vigil

namespace vigil {

MqttStatus ServerCore::routeMqttStatus() const { return m_mqttBoard ? m_mqttBoard->current() : MqttStatus{}; }

void ServerCore::setEventService(EventService* service)
{
    if (service == m_events)
        return;
    if (m_events) {
        disconnect(m_events, &EventService::eventChanged, this, nullptr);
        joinDeletes();  // they hold the old service
    }
    m_events = service;
    if (!service)
        return;  // the reader stays: a service of the same folder may come back
    const QString folder = service->folder();
    if (folder != m_eventsFolder) {
        m_eventReader.reset();
        m_eventsFolder = folder;
    }
    // The service emits on its own thread.
    connect(service, &EventService::eventChanged, this, &ServerCore::onEventChanged, Qt::QueuedConnection);
}

EventStore* ServerCore::routeEventStore()
{
    if (!m_events)
        return nullptr;
    // Created here, on the server thread, which alone uses it (Qt SQL connections are per thread).
    if (!m_eventReader)
        m_eventReader = EventStore::openReadOnly(m_eventsFolder);
    return m_eventReader.get();
}

void ServerCore::routeDeleteEvent(const QString& id, QTcpSocket* socket)
{
    if (!m_events) {
        writeHttpResponse(socket, 404, "application/json", jsonError(QStringLiteral("events are off on this server")));
        return;
    }
    if (int(m_deletes.size()) >= kMaxPendingDeletes) {
        writeHttpResponse(socket, 503, "application/json",
                          jsonError(QStringLiteral("too many deletes in progress; try again")));
        return;
    }
    // removeEvent() waits (up to 5 s) for the events thread: not here, where every client is served.
    const int ticket = ++m_nextTicket;
    PendingDelete& d = m_deletes.emplace_back();
    d.ticket = ticket;
    d.id = id;
    d.socket = socket;
    d.thread = std::thread([this, service = m_events, id, ticket] {
        QString error;
        if (!service->removeEvent(id, &error) && error.isEmpty())
            error = QStringLiteral("the event could not be deleted");
        QMetaObject::invokeMethod(this, [this, ticket, error] { finishDelete(ticket, error); }, Qt::QueuedConnection);
    });
}

void ServerCore::finishDelete(int ticket, const QString& error)
{
    const auto it = std::find_if(m_deletes.begin(), m_deletes.end(), [ticket](const PendingDelete& d) { return d.ticket == ticket; });
    if (it == m_deletes.end())
        return;
    if (it->thread.joinable())
        it->thread.join();  // it has finished: only its last statement posted this
    const QString id = it->id;
    const QPointer<QTcpSocket> socket = it->socket;
    m_deletes.erase(it);
    if (!socket)
        return;  // the client went away (or the server stopped)
    if (error.isEmpty()) {
        qCInfo(lcServer).noquote() << "rebroadcast: event" << id << "deleted by" << socket->peerAddress().toString();
        writeHttpResponse(socket, 200, "application/json",
                          QJsonDocument(QJsonObject{{"deleted", id}}).toJson(QJsonDocument::Compact));
    } else if (error.startsWith(QLatin1String("no event"))) {
        writeHttpResponse(socket, 404, "application/json", jsonError(QStringLiteral("unknown event")));
    } else {
        writeHttpResponse(socket, 503, "application/json", jsonError(error));
    }
}

void ServerCore::joinDeletes()
{
    // Their results are still delivered (queued) to finishDelete, which answers the clients.
    for (PendingDelete& d : m_deletes)
        if (d.thread.joinable())
            d.thread.join();
}

void ServerCore::onEventChanged(const QString& kind, const QJsonObject& event)
{
    const bool isDelete = kind == QLatin1String("delete");
    if (!isDelete && kind != QLatin1String("new") && kind != QLatin1String("update") && kind != QLatin1String("end"))
        return;
    const QString id = event.value("id").toString();
    const QString camera = event.value("camera").toString();
    QJsonObject data = event;
    if (isDelete) {
        // The event is gone: its id is all there is to say (camera when the service names it).
        data = QJsonObject{{"id", id}};
        if (!camera.isEmpty())
            data.insert("camera", camera);
    } else {
        data.remove("track");  // bounded but large; GET /api/events/<id> has it
    }
    const QString text = QString::fromUtf8(
        QJsonDocument(QJsonObject{{"type", "event"}, {"event", kind}, {"data", data}}).toJson(QJsonDocument::Compact));
    for (WsSession* s : std::as_const(m_sessions))
        s->offerEvent(camera, id, kind == QLatin1String("update"), text);
}

} // namespace vigil
