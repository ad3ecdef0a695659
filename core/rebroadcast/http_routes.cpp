#include "rebroadcast/http_routes.h"

#include <QFile>
#include <QHttpServerRequest>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>
#include <QUrlQuery>

#include "pipeline/camera.h"
#include "common/log.h"
#include "common/redact.h"
#include "rebroadcast/access_token.h"
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
            {"detection", cfg.detectionEnabled},
        });
    }
    return out;
}

QJsonArray statsJson(const QList<Camera*>& cameras)
{
    QJsonArray out;
    for (Camera* c : cameras) {
        QJsonObject o = c->stats().toJson();
        o.insert("id", c->id());
        o.insert("state", stateName(c->state()));
        out.append(o);
    }
    return out;
}

void serveViewer(const RouteContext& ctx, const QHttpServerRequest& req, QTcpSocket* socket)
{
    // The page references its assets with the token so that they pass the token check too.
    QByteArray html = resource("index.html");
    const QString token = ctx.routeToken();
    const QByteArray query = token.isEmpty() ? QByteArray() : "?token=" + QUrl::toPercentEncoding(token);
    html.replace("{{query}}", query);
    reply(req, socket, html, "text/html; charset=utf-8");
}

} // namespace

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
    if (req.method() != QHttpServerRequest::Method::Get) {
        reply(req, socket, "GET only\n", "text/plain", Status::MethodNotAllowed);
        return true;
    }

    const Route route = matchRoute(path);
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
        QJsonArray list;
        ctx.routeWithCameras([&](const QList<Camera*>& cameras) { list = statsJson(cameras); });
        replyJson(req, socket, QJsonDocument(list));
        return true;
    }
    case Route::Clients:
        replyJson(req, socket, QJsonDocument(ctx.routeClients()));
        return true;
    case Route::Snapshot:
    case Route::Stream:
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
    } else if (!latest || latest->jpeg.isEmpty()) {
        reply(req, socket, "no frame yet\n", "text/plain", Status::ServiceUnavailable);
    } else {
        reply(req, socket, latest->jpeg, "image/jpeg");
    }
    return true;
}

} // namespace vigil
