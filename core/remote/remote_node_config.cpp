#include "remote/remote_node_config.h"

#include <QSet>

#include "config/camera_config.h"
#include "config/json_reader.h"

namespace vigil {

QJsonObject RemoteNodeConfig::toJson() const
{
    return QJsonObject{{"name", name}, {"url", url.toString()}, {"token", token}};
}

QString RemoteNodeConfig::validate() const
{
    if (name.trimmed().isEmpty())
        return QStringLiteral("the name is empty");
    if (name.size() > 40)
        return QStringLiteral("the name is longer than 40 characters");
    if (const QString why = CameraConfig::validateUrl(url); !why.isEmpty())
        return why;
    // The token is the node's only credential; user info in the URL would be sent elsewhere too.
    if (!url.userInfo().isEmpty())
        return QStringLiteral("the URL must not contain a user name or password (use the token)");
    return {};
}

QList<RemoteNodeConfig> readRemoteNodes(const QJsonValue& value, QStringList* errors)
{
    QList<RemoteNodeConfig> out;
    if (value.isUndefined() || value.isNull())
        return out;
    if (!value.isArray()) {
        errors->append(QStringLiteral("\"remote_nodes\": expected a list"));
        return out;
    }
    QSet<QString> names;
    int index = 0;
    for (const QJsonValue& v : value.toArray()) {
        ++index;
        QString context = QStringLiteral("remote node #%1: ").arg(index);
        if (!v.isObject()) {
            errors->append(context + QStringLiteral("not an object"));
            continue;
        }
        const QJsonObject obj = v.toObject();
        if (obj.value("name").isString() && !obj.value("name").toString().isEmpty())
            context = QStringLiteral("remote node #%1 \"%2\": ").arg(index).arg(obj.value("name").toString().left(40));
        RemoteNodeConfig node;
        JsonReader r(obj, errors, context);
        r.read("name", node.name);
        QString url;
        r.read("url", url);
        node.url = QUrl(url);
        r.read("token", node.token);
        node.name = node.name.trimmed();
        if (const QString why = node.validate(); !why.isEmpty()) {
            errors->append(context + why + QStringLiteral(", left out"));
            continue;
        }
        if (names.contains(node.name.toLower())) {
            errors->append(context + QStringLiteral("duplicate name, left out"));
            continue;
        }
        if (out.size() >= kMaxRemoteNodes) {
            errors->append(context + QStringLiteral("more than %1 remote nodes, left out").arg(kMaxRemoteNodes));
            continue;
        }
        names.insert(node.name.toLower());
        out.append(node);
    }
    return out;
}

QJsonArray remoteNodesToJson(const QList<RemoteNodeConfig>& nodes)
{
    QJsonArray a;
    for (const RemoteNodeConfig& n : nodes)
        a.append(n.toJson());
    return a;
}

} // namespace vigil
