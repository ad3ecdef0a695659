// matchRoute() on its own: pure, linked by the fuzzer without the rest of the server.
#include <QStringList>

#include "rebroadcast/http_routes.h"

namespace vigil {

Route matchRoute(const QString& path)
{
    if (path == "/" || path == "/index.html")
        return {Route::Viewer, {}};
    if (path == "/viewer.js" || path == "/viewer.css")
        return {Route::Asset, path.mid(1)};
    if (path == "/api/cameras")
        return {Route::Cameras, {}};
    if (path == "/api/stats")
        return {Route::Stats, {}};
    if (path == "/api/clients")
        return {Route::Clients, {}};
    if (path == "/api/events")
        return {Route::EventList, {}};
    // /cameras/<id>/<resource>
    const QStringList parts = path.split('/');
    if (parts.size() == 4 && parts[0].isEmpty() && parts[1] == "cameras" && !parts[2].isEmpty()) {
        if (parts[3] == "snapshot.jpg")
            return {Route::Snapshot, parts[2]};
        if (parts[3] == "stream.mjpeg")
            return {Route::Stream, parts[2]};
        if (parts[3] == "source.mjpeg")
            return {Route::Source, parts[2]};
    }
    // /api/events/<id>[/<file>]: the id is returned unchecked; the handler checks it with
    // isValidEventId() before anything else (this function stays free of the events code).
    if ((parts.size() == 4 || parts.size() == 5) && parts[0].isEmpty() && parts[1] == "api"
        && parts[2] == "events" && !parts[3].isEmpty()) {
        if (parts.size() == 4)
            return {Route::EventItem, parts[3]};
        if (parts[4] == "snapshot.jpg")
            return {Route::EventSnapshot, parts[3]};
        if (parts[4] == "thumbnail.jpg")
            return {Route::EventThumbnail, parts[3]};
        if (parts[4] == "clip.mkv")
            return {Route::EventClip, parts[3]};
    }
    return {};
}

} // namespace vigil
