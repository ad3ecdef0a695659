#include "mqtt/mqtt_status.h"

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

void MqttStatusBoard::setSource(const void* owner, std::function<MqttStatus()> source)
{
    std::lock_guard lock(m_mutex);
    m_owner = owner;
    m_source = std::move(source);
}

void MqttStatusBoard::withdraw(const void* owner)
{
    std::lock_guard lock(m_mutex);
    if (m_owner != owner)
        return;
    m_owner = nullptr;
    m_source = nullptr;
}

MqttStatus MqttStatusBoard::current() const
{
    std::lock_guard lock(m_mutex);
    return m_source ? m_source() : MqttStatus{};
}

} // namespace vigil
