#include "config/mqtt_settings.h"

#include <QHostInfo>
#include <QUrl>

#include "config/json_reader.h"

namespace vigil {

QString MqttSettings::effectiveClientId() const
{
    if (!clientId.isEmpty())
        return clientId;
    QString host = QHostInfo::localHostName();
    return QStringLiteral("vigil-") + (host.isEmpty() ? QStringLiteral("host") : host);
}

QString MqttSettings::displayUrl() const
{
    QUrl u;
    u.setScheme(tls ? "mqtts" : "mqtt");
    u.setHost(host);
    u.setPort(port);
    if (!username.isEmpty())
        u.setUserName(username);
    return u.toString();
}

QJsonObject MqttSettings::toJson() const
{
    return QJsonObject{
        {"enabled", enabled},        {"host", host},
        {"port", port},              {"username", username},
        {"password", password},      {"tls", tls},
        {"ca_file", caFile},         {"client_id", clientId},
        {"topic_prefix", topicPrefix}, {"discovery", discovery},
        {"discovery_prefix", discoveryPrefix},
        {"stats_interval_s", statsIntervalS},
        {"motion_quiet_s", motionQuietS},
    };
}

MqttSettings MqttSettings::read(JsonReader& r)
{
    MqttSettings s;
    r.read("enabled", s.enabled);
    r.read("host", s.host);
    r.read("port", s.port, 1, 65535);
    r.read("username", s.username);
    r.read("password", s.password);
    r.read("tls", s.tls);
    r.read("ca_file", s.caFile);
    r.read("client_id", s.clientId);
    QString prefix;
    if (r.read("topic_prefix", prefix)) {
        if (isValidTopicPrefix(prefix))
            s.topicPrefix = prefix;
        else
            r.fail("topic_prefix", QStringLiteral("\"%1\" is not a topic prefix (no + # or empty levels)").arg(prefix.left(60)));
    }
    r.read("discovery", s.discovery);
    if (r.read("discovery_prefix", prefix)) {
        if (isValidTopicPrefix(prefix))
            s.discoveryPrefix = prefix;
        else
            r.fail("discovery_prefix", QStringLiteral("\"%1\" is not a topic prefix").arg(prefix.left(60)));
    }
    r.read("stats_interval_s", s.statsIntervalS, 1, 86400);
    r.read("motion_quiet_s", s.motionQuietS, 1, 86400);
    return s;
}

bool parseMqttUrl(const QString& text, MqttSettings* s, QString* error)
{
    auto fail = [&](const QString& why) {
        if (error)
            *error = why;
        return false;
    };
    const QUrl u(text.trimmed(), QUrl::StrictMode);
    const QString scheme = u.scheme().toLower();
    if (!u.isValid() || (scheme != "mqtt" && scheme != "mqtts"))
        return fail(QStringLiteral("expected mqtt://[user:pass@]host[:port] or mqtts://..."));
    if (u.host().isEmpty())
        return fail(QStringLiteral("the URL has no host"));
    if (!u.path().isEmpty() && u.path() != "/")
        return fail(QStringLiteral("the URL has a path; use --mqtt-prefix for the topic prefix"));
    s->enabled = true;
    s->tls = scheme == "mqtts";
    s->host = u.host();
    s->port = u.port(s->tls ? 8883 : 1883);
    s->username = u.userName();
    s->password = u.password();
    return true;
}

bool isValidTopicPrefix(const QString& prefix)
{
    if (prefix.isEmpty() || prefix.startsWith('/') || prefix.endsWith('/') || prefix.contains("//"))
        return false;
    return !prefix.contains('+') && !prefix.contains('#') && !prefix.contains(QChar(0));
}

} // namespace vigil
