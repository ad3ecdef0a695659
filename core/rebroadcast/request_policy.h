#pragma once
// What the rebroadcast server accepts, decided from a request head alone (before any body byte is
// read): Host against DNS rebinding, WebSocket upgrade shape and Origin, the access token, bodies.
// Pure, like parseRequestHead(), so that the fuzzer and unit tests drive it without sockets.
#include <QByteArray>
#include <QString>
#include <QStringList>

#include "config/limits.h"
#include "rebroadcast/request_head.h"

namespace vigil {

struct RequestPolicy {
    QString token;             // empty: none required
    ServerLimits limits;
    QStringList localNames;    // this machine's own host names (pass the Host check like localhost)
};

struct RequestVerdict {
    int status = 0;            // 0: accepted; else the HTTP status to answer before closing
    QByteArray reason;         // response body and log text
    QByteArray kind;           // short rejection class for the once-per-peer log ("host", "origin", ...)
    bool webSocket = false;    // accepted as a WebSocket upgrade
    bool accepted() const { return status == 0; }
};

// Any method the head parser knows passes here; the routes answer 405 where it does not apply
// (only DELETE /api/events/<id> changes anything). Methods other than GET/HEAD must pass the
// Origin check when a browser sends one.
RequestVerdict checkRequest(const RequestHead& head, const RequestPolicy& policy);

// Host header value ("name[:port]", "[v6]:port"): IP literals, localhost, the machine's own names
// and limits.allowedHosts pass. An absent Host (HTTP/1.0 tools) passes: browsers always send one.
bool hostAllowed(const QByteArray& host, const RequestPolicy& policy);
// Origin of a WebSocket upgrade: absent (non-browser clients), the page's own origin (same host
// and port as Host), or one of limits.allowedOrigins.
bool originAllowed(const QByteArray& origin, const QByteArray& host, const RequestPolicy& policy);

// No route takes a request body today; a future one (e.g. POST /api/cameras) says so here.
bool routeTakesBody(const QByteArray& method, const QByteArray& path);

} // namespace vigil
