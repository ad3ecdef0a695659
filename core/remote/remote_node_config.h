#pragma once
// A remote Vigil node the app mirrors: its cameras become tiles (fed by the node's annotated
// restream) and its events are imported into the local store. Saved in the app settings as
// "remote_nodes": [{"name", "url", "token"}]; the token is stored like the rebroadcast token.
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace vigil {

struct RemoteNodeConfig {
    QString name;   // unique; prefixes the local ids of its cameras ("<name>-<remote id>")
    QUrl url;       // the node's rebroadcast base URL, e.g. http://10.0.0.5:8081
    QString token;  // its rebroadcast token; empty when the node has none

    QJsonObject toJson() const;
    // Empty when usable, else why not (no name, bad URL, credentials in the URL).
    QString validate() const;
    bool operator==(const RemoteNodeConfig&) const = default;
};

// Enough for a home or a small shop; each node brings at most kMaxRemoteCamerasPerNode cameras.
inline constexpr int kMaxRemoteNodes = 16;
inline constexpr int kMaxRemoteCamerasPerNode = 64;

// Reads the "remote_nodes" list: a bad entry is named in *errors ("remote node #2 \"attic\": ...")
// and left out, and so are duplicate names and entries beyond kMaxRemoteNodes.
QList<RemoteNodeConfig> readRemoteNodes(const QJsonValue& value, QStringList* errors);
QJsonArray remoteNodesToJson(const QList<RemoteNodeConfig>& nodes);

} // namespace vigil
