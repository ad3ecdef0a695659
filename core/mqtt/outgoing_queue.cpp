#include "mqtt/outgoing_queue.h"

#include "common/frame.h"

namespace vigil {

void OutgoingQueue::putState(const QString& topic, const QByteArray& payload, const QString& file)
{
    m_states[topic] = State{payload, file};
    if (!m_dirtySet.contains(topic)) {
        m_dirtySet.insert(topic);
        m_dirty.push_back(topic);
    }
}

bool OutgoingQueue::putEvent(MqttMessage message)
{
    if (int(m_events.size()) >= m_maxEvents) {
        ++m_dropped;
        return false;
    }
    if (message.enqueuedNs == 0)
        message.enqueuedNs = nowNs();
    m_events.push_back(std::move(message));
    return true;
}

void OutgoingQueue::resendAllStates()
{
    for (const auto& [topic, state] : m_states)
        if (!m_dirtySet.contains(topic)) {
            m_dirtySet.insert(topic);
            m_dirty.push_back(topic);
        }
}

std::vector<MqttMessage> OutgoingQueue::take()
{
    std::vector<MqttMessage> out;
    out.reserve(m_dirty.size() + m_events.size());
    for (const QString& topic : m_dirty) {
        const auto it = m_states.find(topic);
        if (it == m_states.end())
            continue;
        MqttMessage m;
        m.topic = topic;
        m.payload = it->second.payload;
        m.file = it->second.file;
        m.retain = true;
        out.push_back(std::move(m));
        if (it->second.payload.isEmpty() && it->second.file.isEmpty())
            m_states.erase(it);  // cleared on the broker: nothing to resend
    }
    m_dirty.clear();
    m_dirtySet.clear();
    for (MqttMessage& e : m_events)
        out.push_back(std::move(e));
    m_events.clear();
    return out;
}

} // namespace vigil
