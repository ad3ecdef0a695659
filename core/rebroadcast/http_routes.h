#pragma once
// The HTTP endpoints of the rebroadcast server (everything but WebSocket upgrades):
//   GET /                                 viewer page (resources/viewer)
//   GET /viewer.js, /viewer.css           its assets
//   GET /api/cameras, /api/stats, /api/clients
//   GET /cameras/<id>/snapshot.jpg        latest annotated JPEG (503 before the first frame)
//   GET /cameras/<id>/stream.mjpeg        annotated MJPEG restream (socket handed to MjpegViewer)
#include <QJsonArray>
#include <QList>
#include <QString>

class QHttpServerRequest;
class QTcpSocket;

namespace vigil {

class Camera;

// What the routes need from the server.
class RouteContext {
public:
    virtual ~RouteContext() = default;
    virtual QList<Camera*> routeCameras() const = 0;
    virtual QString routeToken() const = 0;
    virtual QJsonArray routeClients() const = 0;
    // Takes over the socket for an MJPEG restream of the camera.
    virtual void routeStartMjpeg(Camera* camera, const QString& path, QTcpSocket* socket) = 0;
};

// Handles one request; returns false when nothing matched (the caller answers 404).
bool handleHttpRequest(RouteContext& ctx, const QHttpServerRequest& request, QTcpSocket* socket);

} // namespace vigil
