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
    // /cameras/<id>/<resource>
    const QStringList parts = path.split('/');
    if (parts.size() == 4 && parts[0].isEmpty() && parts[1] == "cameras" && !parts[2].isEmpty()) {
        if (parts[3] == "snapshot.jpg")
            return {Route::Snapshot, parts[2]};
        if (parts[3] == "stream.mjpeg")
            return {Route::Stream, parts[2]};
    }
    return {};
}

} // namespace vigil
