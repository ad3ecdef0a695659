#pragma once
// The MQTT connection as the rest of the app sees it: the status bar, /api/stats and P/stats.
#include <QJsonObject>
#include <QMetaType>
#include <QString>
#include <functional>

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

// The status of this process's running MQTT service, for readers on other threads (the
// rebroadcast server's /api/stats, which knows no Pipeline). The service that started last is the
// source; "off" when there is none. The source is called under the board's lock: it must be
// thread-safe, and withdraw() returns only once no call is running.
namespace mqtt_status_board {
void setSource(const void* owner, std::function<MqttStatus()> source);
void withdraw(const void* owner);   // only when `owner` is the current source
MqttStatus current();
} // namespace mqtt_status_board

} // namespace vigil

Q_DECLARE_METATYPE(vigil::MqttState)
