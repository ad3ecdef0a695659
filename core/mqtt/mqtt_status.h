#pragma once
// The MQTT connection as the rest of the app sees it: the status bar, /api/stats and P/stats.
#include <QJsonObject>
#include <QMetaType>
#include <QString>
#include <functional>
#include <mutex>

namespace vigil {

enum class MqttState { Off, Connecting, Connected, Reconnecting };
QString mqttStateName(MqttState state);  // "off", "connecting", "connected", "reconnecting"

struct MqttStatus {
    MqttState state = MqttState::Off;
    QString reason;          // why not connected: "refused: ...", "not authorised: ...", "TLS failure: ...",
                             // "unreachable: ...", "connection lost: ..."; empty when connected
    int queued = 0;          // messages waiting for the broker
    quint64 dropped = 0;     // events dropped because the queue was full
    QJsonObject toJson() const;  // {"state", "reason", "queued", "dropped"}
};

// A pipeline's MQTT status for readers on other threads (the rebroadcast server's /api/stats, which
// knows no Pipeline): the running service registers as the source; "off" when none does. The
// source is called under the board's lock: it must be thread-safe, and withdraw() returns only
// once no call is running. One board per Pipeline, shared with its server.
class MqttStatusBoard {
public:
    void setSource(const void* owner, std::function<MqttStatus()> source);
    void withdraw(const void* owner);   // only when `owner` is the current source
    MqttStatus current() const;

private:
    mutable std::mutex m_mutex;
    const void* m_owner = nullptr;
    std::function<MqttStatus()> m_source;
};

} // namespace vigil

Q_DECLARE_METATYPE(vigil::MqttState)
