#include "rebroadcast/http_routes.h"

#include <QFile>
#include <QHttpServerRequest>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>
#include <QTimer>
#include <QUrlQuery>
#include <cmath>
#include <memory>

#include "events/event_store.h"
#include "pipeline/camera.h"
#include "common/log.h"
#include "common/redact.h"
#include "mqtt/stats_document.h"
#include "rebroadcast/access_token.h"
#include "rebroadcast/connection_gate.h"
#include "rebroadcast/http_frontend.h"

namespace vigil {

using Status = QHttpServerResponder::StatusCode;

namespace {

void reply(const QHttpServerRequest& req, QTcpSocket* socket, const QByteArray& body,
           const QByteArray& mime, Status status = Status::Ok)
{
    HttpFrontend::responder(req, socket)
        .write(body, {{"Content-Type", mime}, {"Cache-Control", "no-store"}, {"Connection", "close"}}, status);
    socket->disconnectFromHost();
}

void replyJson(const QHttpServerRequest& req, QTcpSocket* socket, const QJsonDocument& doc)
{
    reply(req, socket, doc.toJson(QJsonDocument::Compact), "application/json");
}

QByteArray resource(const QString& name)
{
    QFile f(":/vigil/viewer/" + name);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

QJsonArray camerasJson(const QList<Camera*>& cameras)
{
    QJsonArray out;
    for (Camera* c : cameras) {
        const CameraConfig cfg = c->config();
        out.append(QJsonObject{
            {"id", cfg.id},
            {"name", cfg.displayName()},
            {"url", redactedUrlString(cfg.url)},
            {"state", stateName(c->state())},
            {"reason", redactedText(c->stateReason())},
            {"detection", cfg.detects()},
            {"detect", detectModeName(cfg.detect)},
        });
    }
    return out;
}

// {"cameras": [...], "mqtt": {...}}: the same document MQTT publishes on P/stats.
QJsonObject statsJson(const QList<Camera*>& cameras, const MqttStatus& mqtt) { return statsDocument(cameras, mqtt); }

void serveViewer(const RouteContext& ctx, const QHttpServerRequest& req, QTcpSocket* socket)
{
    // The page references its assets with the token so that they pass the token check too.
    QByteArray html = resource("index.html");
    const QString token = ctx.routeToken();
    const QByteArray query = token.isEmpty() ? QByteArray() : "?token=" + QUrl::toPercentEncoding(token);
    html.replace("{{query}}", query);
    reply(req, socket, html, "text/html; charset=utf-8");
}

// --- events ---

constexpr int kMaxTextParameter = 256;  // camera, label, zone: longer is not a name of ours

void replyEventJson(QTcpSocket* socket, int status, const QByteArray& json)
{
    writeHttpResponse(socket, status, "application/json", json);
}

// Sends an open file as a 200 response body, one chunk at a time as the socket drains, so that a
// clip of tens of MB neither sits in memory nor holds the server thread. A child of the socket
// (goes with it). The file stays open: retention or a delete meanwhile does not cut the body.
class FileResponse : public QObject {
public:
    static constexpr qint64 kChunkBytes = 64 * 1024;
    static constexpr qint64 kLowWaterBytes = 256 * 1024;  // refill below this many unsent bytes
    static constexpr int kStallTimeoutMs = 60'000;        // a reader that takes nothing this long is dropped

    FileResponse(QTcpSocket* socket, std::unique_ptr<QFile> file, const QByteArray& contentType)
        : QObject(socket), m_socket(socket), m_file(std::move(file)), m_remaining(m_file->size())
    {
        socket->write("HTTP/1.1 200 OK\r\nContent-Type: " + contentType
                      + "\r\nContent-Length: " + QByteArray::number(m_remaining)
                      + "\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n");
        m_stall.setSingleShot(true);
        m_stall.setInterval(kStallTimeoutMs);
        connect(&m_stall, &QTimer::timeout, socket, &QTcpSocket::abort);
        connect(socket, &QTcpSocket::bytesWritten, this, &FileResponse::pump);
        pump();
    }

private:
    void pump()
    {
        m_stall.start();
        while (m_remaining > 0 && m_socket->bytesToWrite() < kLowWaterBytes) {
            const QByteArray chunk = m_file->read(qMin(kChunkBytes, m_remaining));
            if (chunk.isEmpty()) {
                // The file shrank or failed under us: a short body and a reset tell the client.
                m_socket->abort();
                return;
            }
            m_remaining -= chunk.size();
            m_socket->write(chunk);
        }
        if (m_remaining == 0 && m_file) {
            m_file.reset();
            m_socket->disconnectFromHost();  // after the rest is written
        }
    }

    QTcpSocket* m_socket;
    std::unique_ptr<QFile> m_file;
    qint64 m_remaining;
    QTimer m_stall;
};

struct ParamError {
    QString parameter;
    QString why;
};

// The filters of GET /api/events. An empty value counts as not given; unknown names (token)
// are ignored. Values are bounded here; the store binds them as SQL parameters.
std::optional<ParamError> parseEventQuery(const QUrlQuery& q, EventQuery* out)
{
    const auto value = [&](const char* name) { return q.queryItemValue(QLatin1String(name), QUrl::FullyDecoded); };
    for (const char* name : {"camera", "label", "zone"}) {
        const QString v = value(name);
        if (v.size() > kMaxTextParameter)
            return ParamError{name, QStringLiteral("longer than %1 characters").arg(kMaxTextParameter)};
        if (!qstrcmp(name, "camera"))
            out->camera = v;
        else if (!qstrcmp(name, "label"))
            out->label = v;
        else
            out->zone = v;
    }
    for (const char* name : {"after", "before"}) {
        const QString v = value(name);
        if (v.isEmpty())
            continue;
        bool ok = false;
        const double t = v.toDouble(&ok);
        if (!ok || !std::isfinite(t))
            return ParamError{name, QStringLiteral("must be a number (epoch seconds)")};
        (!qstrcmp(name, "after") ? out->after : out->before) = t;
    }
    if (const QString v = value("limit"); !v.isEmpty()) {
        bool ok = false;
        const qlonglong n = v.toLongLong(&ok);
        if (!ok || n < 1)
            return ParamError{"limit", QStringLiteral("must be an integer from 1 to %1").arg(kMaxQueryLimit)};
        out->limit = int(qMin<qlonglong>(n, kMaxQueryLimit));  // more is served as the maximum
    }
    if (const QString v = value("in_progress"); !v.isEmpty()) {
        if (v == "true" || v == "1")
            out->inProgress = true;
        else if (v == "false" || v == "0")
            out->inProgress = false;
        else
            return ParamError{"in_progress", QStringLiteral("must be true, false, 1 or 0")};
    }
    return std::nullopt;
}

// Every /api/events route. The id is checked before any path is built from it.
void serveEvents(RouteContext& ctx, const Route& route, const QHttpServerRequest& req, QTcpSocket* socket)
{
    const bool isDelete = req.method() == QHttpServerRequest::Method::Delete;
    if (route.kind != Route::EventList && !isValidEventId(route.arg)) {
        replyEventJson(socket, 404, jsonError(QStringLiteral("unknown event")));
        return;
    }
    EventStore* store = ctx.routeEventStore();
    if (!store) {
        replyEventJson(socket, 404, jsonError(QStringLiteral("events are off on this server")));
        return;
    }
    QString error;
    if (route.kind == Route::EventList) {
        EventQuery q;
        if (const std::optional<ParamError> bad = parseEventQuery(QUrlQuery(req.url()), &q)) {
            replyEventJson(socket, 400, jsonError(QStringLiteral("bad parameter %1: %2").arg(bad->parameter, bad->why),
                                                  bad->parameter));
            return;
        }
        const QList<Event> events = store->query(q, &error);
        if (!error.isEmpty()) {
            qCWarning(lcServer).noquote() << "rebroadcast: events query failed:" << error;
            replyEventJson(socket, 503, jsonError(QStringLiteral("the events store cannot be read now")));
            return;
        }
        QJsonArray list;
        for (const Event& e : events)
            list.append(toJson(e, false));
        replyEventJson(socket, 200, QJsonDocument(list).toJson(QJsonDocument::Compact));
        return;
    }

    const std::optional<Event> event = store->event(route.arg, route.kind == Route::EventItem && !isDelete, &error);
    if (!error.isEmpty()) {
        qCWarning(lcServer).noquote() << "rebroadcast: event read failed:" << error;
        replyEventJson(socket, 503, jsonError(QStringLiteral("the events store cannot be read now")));
        return;
    }
    if (!event) {
        replyEventJson(socket, 404, jsonError(QStringLiteral("unknown event")));
        return;
    }
    if (route.kind == Route::EventItem) {
        if (isDelete)
            ctx.routeDeleteEvent(event->id, socket);
        else
            replyEventJson(socket, 200, QJsonDocument(toJson(*event, true)).toJson(QJsonDocument::Compact));
        return;
    }

    QString path;
    QByteArray mime = "image/jpeg";
    bool present = event->hasSnapshot;
    if (route.kind == Route::EventSnapshot) {
        const QString bbox = QUrlQuery(req.url()).queryItemValue("bbox");
        if (!bbox.isEmpty() && bbox != "0" && bbox != "1" && bbox != "false" && bbox != "true") {
            replyEventJson(socket, 400, jsonError(QStringLiteral("bad parameter bbox: must be 1, 0, true or false"),
                                                  QStringLiteral("bbox")));
            return;
        }
        const bool boxed = bbox == "1" || bbox == "true";
        path = store->snapshotPath(event->id, boxed ? SnapshotKind::BoundingBox : SnapshotKind::Clean);
    } else if (route.kind == Route::EventThumbnail) {
        path = store->snapshotPath(event->id, SnapshotKind::Thumbnail);
    } else {
        path = store->clipPath(event->id);
        mime = "video/x-matroska";
        present = event->hasClip;
    }
    auto file = std::make_unique<QFile>(path);
    // The row claims only complete files; the boxed picture and thumbnail may still be missing.
    if (!present || path.isEmpty() || !file->open(QIODevice::ReadOnly)) {
        replyEventJson(socket, 404, jsonError(route.kind == Route::EventClip ? QStringLiteral("the event has no clip")
                                                                             : QStringLiteral("the event has no snapshot")));
        return;
    }
    new FileResponse(socket, std::move(file), mime);
}

} // namespace

QByteArray jsonError(const QString& message, const QString& parameter)
{
    QJsonObject o{{"error", message}};
    if (!parameter.isEmpty())
        o.insert("parameter", parameter);
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

void writeHttpResponse(QTcpSocket* socket, int status, const QByteArray& contentType, const QByteArray& body)
{
    socket->write("HTTP/1.1 " + QByteArray::number(status) + ' ' + httpReasonPhrase(status)
                  + "\r\nContent-Type: " + contentType
                  + "\r\nContent-Length: " + QByteArray::number(body.size())
                  + "\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n" + body);
    socket->disconnectFromHost();
}

bool handleHttpRequest(RouteContext& ctx, const QHttpServerRequest& req, QTcpSocket* socket)
{
    // Qt 6.4 hands a WebSocket upgrade over to its QWebSocketServer only when handleRequest() accepts
    // it: accept all of them untouched; RebroadcastServer checks path and token on the QWebSocket
    // so that it can refuse with a WebSocket close code. ConnectionGate has already refused
    // upgrades that are not well formed (e.g. without Connection: Upgrade); an answer here anyway
    // so that such a request can never hang.
    if (req.value("upgrade").compare("websocket", Qt::CaseInsensitive) == 0) {
        if (req.value("connection").toLower().contains("upgrade"))
            return true;
        reply(req, socket, "Upgrade: websocket needs Connection: Upgrade\n", "text/plain", Status::BadRequest);
        return true;
    }

    const QString path = req.url().path();
    if (!tokenAccepted(ctx.routeToken(), req.url(), req.value("authorization"))) {
        // Normally refused (and logged) by ConnectionGate before Qt read anything.
        HttpFrontend::responder(req, socket)
            .write(QByteArrayLiteral("valid token required\n"),
                   {{"Content-Type", "text/plain"}, {"WWW-Authenticate", "Bearer"}, {"Connection", "close"}},
                   Status::Unauthorized);
        socket->disconnectFromHost();
        return true;
    }
    const Route route = matchRoute(path);
    // DELETE only for one event; everything else is read-only. (ConnectionGate has refused a
    // cross-origin DELETE from a browser already: see checkRequest().)
    const bool deletable = route.kind == Route::EventItem;
    if (req.method() != QHttpServerRequest::Method::Get
        && !(deletable && req.method() == QHttpServerRequest::Method::Delete)) {
        HttpFrontend::responder(req, socket)
            .write(deletable ? QByteArrayLiteral("GET or DELETE only\n") : QByteArrayLiteral("GET only\n"),
                   {{"Content-Type", "text/plain"}, {"Allow", deletable ? "GET, DELETE" : "GET"}, {"Connection", "close"}},
                   Status::MethodNotAllowed);
        socket->disconnectFromHost();
        return true;
    }

    switch (route.kind) {
    case Route::NotFound:
        return false;
    case Route::Viewer:
        serveViewer(ctx, req, socket);
        return true;
    case Route::Asset:
        reply(req, socket, resource(route.arg),
              route.arg.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8");
        return true;
    case Route::Cameras: {
        QJsonArray list;
        ctx.routeWithCameras([&](const QList<Camera*>& cameras) { list = camerasJson(cameras); });
        replyJson(req, socket, QJsonDocument(list));
        return true;
    }
    case Route::Stats: {
        QJsonObject stats;
        const MqttStatus mqtt = ctx.routeMqttStatus();
        ctx.routeWithCameras([&](const QList<Camera*>& cameras) { stats = statsJson(cameras, mqtt); });
        replyJson(req, socket, QJsonDocument(stats));
        return true;
    }
    case Route::Clients:
        replyJson(req, socket, QJsonDocument(ctx.routeClients()));
        return true;
    case Route::EventList:
    case Route::EventItem:
    case Route::EventSnapshot:
    case Route::EventThumbnail:
    case Route::EventClip:
        serveEvents(ctx, route, req, socket);
        return true;
    case Route::Snapshot:
    case Route::Stream:
    case Route::Source:
        break;
    }

    bool known = false;
    ProcessedFramePtr latest;
    ctx.routeWithCameras([&](const QList<Camera*>& cameras) {
        for (Camera* c : cameras) {
            if (c->id() == route.arg) {
                known = true;
                if (route.kind == Route::Snapshot)
                    latest = c->latestFrame();
                return;
            }
        }
    });
    if (!known) {
        reply(req, socket, "unknown camera\n", "text/plain", Status::NotFound);
    } else if (route.kind == Route::Stream) {
        ctx.routeStartMjpeg(route.arg, path, socket);
    } else if (route.kind == Route::Source) {
        ctx.routeStartSource(route.arg, path, socket);
    } else if (!latest || latest->jpeg.isEmpty()) {
        reply(req, socket, "no frame yet\n", "text/plain", Status::ServiceUnavailable);
    } else {
        reply(req, socket, latest->jpeg, "image/jpeg");
    }
    return true;
}

} // namespace vigil
