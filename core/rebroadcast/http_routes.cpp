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
        .write(body, {{"Content-Type", mime}, {"Cache-Control", "no-store"}}, status);
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

Camera* findCamera(const RouteContext& ctx, const QString& id)
{
    for (Camera* c : ctx.routeCameras())
        if (c->id() == id)
            return c;
    return nullptr;
}

QJsonArray camerasJson(const RouteContext& ctx)
{
    QJsonArray out;
    for (Camera* c : ctx.routeCameras()) {
        const CameraConfig cfg = c->config();
        out.append(QJsonObject{
            {"id", cfg.id},
            {"name", cfg.displayName()},
            {"url", redactedUrlString(cfg.url)},
            {"state", stateName(c->state())},
            {"reason", c->stateReason()},
            {"detection", cfg.detectionEnabled},
        });
    }
    return out;
}

QJsonArray statsJson(const RouteContext& ctx)
{
    QJsonArray out;
    for (Camera* c : ctx.routeCameras()) {
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
    // so that it can refuse with a WebSocket close code.
    if (req.value("upgrade").compare("websocket", Qt::CaseInsensitive) == 0)
        return true;

    const QString path = req.url().path();
    if (!tokenAccepted(ctx.routeToken(), req.url(), req.value("authorization"))) {
        qCWarning(lcServer).noquote() << "rebroadcast: refused HTTP request without a valid token from"
                                      << req.remoteAddress().toString() << path;
        HttpFrontend::responder(req, socket)
            .write(QByteArrayLiteral("valid token required\n"),
                   {{"Content-Type", "text/plain"}, {"WWW-Authenticate", "Bearer"}}, Status::Unauthorized);
        return true;
    }
    if (req.method() != QHttpServerRequest::Method::Get) {
        reply(req, socket, "GET only\n", "text/plain", Status::MethodNotAllowed);
        return true;
    }

    if (path == "/" || path == "/index.html") {
        serveViewer(ctx, req, socket);
        return true;
    }
    if (path == "/viewer.js" || path == "/viewer.css") {
        const QString name = path.mid(1);
        reply(req, socket, resource(name),
              name.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8");
        return true;
    }
    if (path == "/api/cameras") {
        replyJson(req, socket, QJsonDocument(camerasJson(ctx)));
        return true;
    }
    if (path == "/api/stats") {
        replyJson(req, socket, QJsonDocument(statsJson(ctx)));
        return true;
    }
    if (path == "/api/clients") {
        replyJson(req, socket, QJsonDocument(ctx.routeClients()));
        return true;
    }

    // /cameras/<id>/<resource>
    const QStringList parts = path.split('/');
    if (parts.size() == 4 && parts[0].isEmpty() && parts[1] == "cameras") {
        Camera* camera = findCamera(ctx, parts[2]);
        if (!camera) {
            reply(req, socket, "unknown camera\n", "text/plain", Status::NotFound);
            return true;
        }
        if (parts[3] == "snapshot.jpg") {
            const ProcessedFramePtr frame = camera->latestFrame();
            if (!frame || frame->jpeg.isEmpty())
                reply(req, socket, "no frame yet\n", "text/plain", Status::ServiceUnavailable);
            else
                reply(req, socket, frame->jpeg, "image/jpeg");
            return true;
        }
        if (parts[3] == "stream.mjpeg") {
            ctx.routeStartMjpeg(camera, path, socket);
            return true;
        }
    }
    return false;
}

} // namespace vigil
