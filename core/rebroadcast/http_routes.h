#pragma once
// The HTTP endpoints of the rebroadcast server (everything but WebSocket upgrades):
//   GET /                                 viewer page (resources/viewer)
//   GET /viewer.js, /viewer.css           its assets
//   GET /api/cameras, /api/stats, /api/clients
//   GET /cameras/<id>/snapshot.jpg        latest annotated JPEG (503 before the first frame)
//   GET /cameras/<id>/stream.mjpeg        annotated MJPEG restream (socket handed to MjpegViewer)
//   GET /cameras/<id>/source.mjpeg        the camera's own frames, unchanged (SourceViewer)
//   GET /api/events                       stored events, newest first (filters: camera, label, zone,
//                                         after, before, limit, in_progress)
//   GET|DELETE /api/events/<id>           one event with its track / delete it (row and files)
//   GET /api/events/<id>/snapshot.jpg (?bbox=1), thumbnail.jpg, clip.mkv   its files (streamed)
// Every answer closes its connection (one request per connection: ConnectionGate checks each).
#include <QByteArray>
#include <QJsonArray>
#include <QList>
#include <QString>
#include <functional>

#include "mqtt/mqtt_status.h"

class QHttpServerRequest;
class QTcpSocket;

namespace vigil {

class Camera;
class EventStore;

// What the routes need from the server (server thread).
class RouteContext {
public:
    virtual ~RouteContext() = default;
    // Calls f with the cameras, which stay alive while f runs; f only reads them (getters).
    virtual void routeWithCameras(const std::function<void(const QList<Camera*>&)>& f) const = 0;
    virtual QString routeToken() const = 0;
    virtual QJsonArray routeClients() const = 0;
    virtual MqttStatus routeMqttStatus() const = 0;   // "off" when there is no MQTT service
    // Takes over the socket for an MJPEG restream of the camera (closes it if the camera is gone).
    virtual void routeStartMjpeg(const QString& cameraId, const QString& path, QTcpSocket* socket) = 0;
    // Takes over the socket for the camera's own frames (closes it if the camera is gone).
    virtual void routeStartSource(const QString& cameraId, const QString& path, QTcpSocket* socket) = 0;
    // The server thread's reader of the event store (opened on first use, kept), or null when
    // the server has no EventService (events off).
    virtual EventStore* routeEventStore() = 0;
    // Deletes a known event (id already checked) off the server thread through the EventService,
    // then answers on the socket (200, 404, 503).
    virtual void routeDeleteEvent(const QString& id, QTcpSocket* socket) = 0;
};

// Which endpoint a path names, without touching any camera. Pure (the fuzzer drives it).
struct Route {
    enum Kind {
        NotFound, Viewer, Asset, Cameras, Stats, Clients, Snapshot, Stream, Source,
        EventList, EventItem, EventSnapshot, EventThumbnail, EventClip
    };
    Kind kind = NotFound;
    QString arg;  // Asset: file name; Snapshot/Stream/Source: camera id; Event*: event id, NOT checked
};
Route matchRoute(const QString& path);

// Handles one request; returns false when nothing matched (the caller answers 404).
bool handleHttpRequest(RouteContext& ctx, const QHttpServerRequest& request, QTcpSocket* socket);

// Writes a whole response (Content-Length, Connection: close) straight to the socket and closes
// it once written: for answers given after handleHttpRequest() returned (the request is gone).
void writeHttpResponse(QTcpSocket* socket, int status, const QByteArray& contentType, const QByteArray& body);
// {"error": message} (plus "parameter" when given) as a JSON response.
QByteArray jsonError(const QString& message, const QString& parameter = {});

} // namespace vigil
