#pragma once
// The "mqtt" section: the broker Vigil publishes to and how (topics, Home Assistant discovery).
// The password is kept like the rebroadcast token (in the private config file) and never logged.
#include <QJsonObject>
#include <QString>

namespace vigil {

class JsonReader;

struct MqttSettings {
    bool enabled = false;
    QString host;
    int port = 1883;                     // 8883 is the usual TLS port
    QString username;                    // empty: anonymous
    QString password;
    bool tls = false;
    QString caFile;                      // with tls: this CA bundle; empty: the system's CAs
    QString clientId;                    // empty: vigil-<hostname>
    QString topicPrefix = "vigil";       // every topic and unique id derives from it
    bool discovery = true;               // Home Assistant MQTT discovery
    QString discoveryPrefix = "homeassistant";
    int statsIntervalS = 60;
    int motionQuietS = 30;               // motion goes OFF after this long without motion
    bool operator==(const MqttSettings&) const = default;

    QString effectiveClientId() const;
    // The broker as a URL for logs and messages, without the password.
    QString displayUrl() const;
    QJsonObject toJson() const;
    // Reads the keys above; bad ones are named through the reader and keep their default.
    static MqttSettings read(JsonReader& section);
};

// "mqtt[s]://[user[:pass]@]host[:port]" into host/port/user/password/tls (and enabled). False with
// *error (which never contains the password) when it is not such a URL.
bool parseMqttUrl(const QString& text, MqttSettings* settings, QString* error);
// A topic prefix is usable: non-empty, no wildcards (+ #), no empty level, no leading '/'.
bool isValidTopicPrefix(const QString& prefix);

} // namespace vigil
