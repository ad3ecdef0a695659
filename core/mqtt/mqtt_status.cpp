#include "mqtt/mqtt_status.h"

#include <mutex>

namespace vigil {

QString mqttStateName(MqttState state)
{
    switch (state) {
    case MqttState::Off: return QStringLiteral("off");
    case MqttState::Connecting: return QStringLiteral("connecting");
    case MqttState::Connected: return QStringLiteral("connected");
    case MqttState::Reconnecting: return QStringLiteral("reconnecting");
    }
    return {};
}

QJsonObject MqttStatus::toJson() const
{
    return QJsonObject{{"state", mqttStateName(state)}, {"reason", reason},
                       {"queued", queued}, {"dropped", double(dropped)}};
}

namespace mqtt_status_board {
namespace {
std::mutex g_mutex;
const void* g_owner = nullptr;
std::function<MqttStatus()> g_source;
} // namespace

void setSource(const void* owner, std::function<MqttStatus()> source)
{
    std::lock_guard lock(g_mutex);
    g_owner = owner;
    g_source = std::move(source);
}

void withdraw(const void* owner)
{
    std::lock_guard lock(g_mutex);
    if (g_owner != owner)
        return;
    g_owner = nullptr;
    g_source = nullptr;
}

MqttStatus current()
{
    std::lock_guard lock(g_mutex);
    return g_source ? g_source() : MqttStatus{};
}
} // namespace mqtt_status_board

} // namespace vigil
