#pragma once
// The HTTP endpoints of the rebroadcast server (everything but WebSocket upgrades):
//   GET /                                 viewer page (resources/viewer)
//   GET /viewer.js, /viewer.css           its assets
//   GET /api/cameras, /api/stats, /api/clients
//   GET /cameras/<id>/snapshot.jpg        latest annotated JPEG (503 before the first frame)
//   GET /cameras/<id>/stream.mjpeg        annotated MJPEG restream (socket handed to MjpegViewer)
// Every answer closes its connection (one request per connection: ConnectionGate checks each).
#include <QByteArray>
#include <QJsonArray>
#include <QList>
#include <QString>
#include <functional>

class QHttpServerRequest;
class QTcpSocket;

namespace vigil {

class Camera;

// What the routes need from the server (server thread).
class RouteContext {
public:
    virtual ~RouteContext() = default;
    // Calls f with the cameras, which stay alive while f runs; f only reads them (getters).
    virtual void routeWithCameras(const std::function<void(const QList<Camera*>&)>& f) const = 0;
    virtual QString routeToken() const = 0;
    virtual QJsonArray routeClients() const = 0;
    // Takes over the socket for an MJPEG restream of the camera (closes it if the camera is gone).
    virtual void routeStartMjpeg(const QString& cameraId, const QString& path, QTcpSocket* socket) = 0;
};

// Which endpoint a path names, without touching any camera. Pure (the fuzzer drives it).
struct Route {
    enum Kind { NotFound, Viewer, Asset, Cameras, Stats, Clients, Snapshot, Stream };
    Kind kind = NotFound;
    QString arg;  // Asset: file name; Snapshot/Stream: camera id
};
Route matchRoute(const QString& path);

// Handles one request; returns false when nothing matched (the caller answers 404).
bool handleHttpRequest(RouteContext& ctx, const QHttpServerRequest& request, QTcpSocket* socket);

} // namespace vigil
