#pragma once
// Talking to a remote node's rebroadcast API (see docs/rebroadcast.md): URLs under the node's base
// URL, requests that carry the token to the node only (redirects are never followed), reads
// bounded in size and time, and the JSON the node answers, checked before use.
#include <QList>
#include <QString>
#include <QUrl>
#include <QUrlQuery>
#include <functional>
#include <optional>

#include "events/event.h"
#include "remote/remote_node_config.h"

class QNetworkAccessManager;
class QNetworkRequest;
class QObject;

namespace vigil {

struct RemoteCamera {
    QString id;      // the node's camera id
    QString name;    // its display name there
};

// <base path>/<path>?<query>; path starts with '/'.
QUrl nodeUrl(const QUrl& base, const QString& path, const QUrlQuery& query = {});
// The node's annotated MJPEG restream of one camera, with ?token= (the camera reader sends no
// headers): redact before showing it (the token is a secret query value).
QUrl nodeStreamUrl(const RemoteNodeConfig& node, const QString& remoteCameraId);
// ws(s)://.../ws?frames=0&token=...: the node's event messages only.
QUrl nodeEventsSocketUrl(const RemoteNodeConfig& node);

struct NodeReply {
    int status = 0;             // HTTP status; 0 when there was no answer
    QByteArray body;            // complete only when ok()
    QString error;              // empty when ok(); redacted
    bool ok() const { return error.isEmpty(); }
    bool unauthorised() const { return status == 401 || status == 403; }
};
// GET url with "Authorization: Bearer <token>" (when set). The body is bounded by maxBytes (a
// larger one is an error), the whole request by timeoutMs; a redirect is an error, never followed.
// done runs once, unless context is gone first.
void getFromNode(QNetworkAccessManager* nam, const QUrl& url, const QString& token, qint64 maxBytes,
                 QObject* context, std::function<void(const NodeReply&)> done, int timeoutMs = 10000);

// The node's camera ids name URL paths and local ids: 1..64 characters of [A-Za-z0-9_.-].
bool isValidRemoteCameraId(const QString& id);
// GET /api/cameras: at most kMaxRemoteCamerasPerNode cameras; entries without a valid id are
// skipped. nullopt with *error when it is not a JSON list.
std::optional<QList<RemoteCamera>> parseRemoteCameras(const QByteArray& json, QString* error = nullptr);
// One event as the node serves it (list, /api/events/<id>, WebSocket "data"); nullopt when its
// id, camera or times are unusable. has_snapshot/has_clip say what the node has.
std::optional<Event> parseRemoteEvent(const QJsonObject& o);

} // namespace vigil
