#pragma once
// What waits to go to the broker. Not thread-safe: MqttClient guards it.
//   States (retained): one per topic, the newest wins; all of them are sent again after every
//   connect, so a broker that lost them (restarted without persistence) has them back. An empty
//   state clears the topic on the broker and is then forgotten.
//   Events (not retained): first in, first out, at most maxEvents; more are dropped and counted.
#include <QByteArray>
#include <QSet>
#include <QString>
#include <deque>
#include <map>
#include <vector>

namespace vigil {

struct MqttMessage {
    QString topic;
    QByteArray payload;
    QString file;          // non-empty: the payload is this file's content, read when sent
    bool retain = false;
    int qos = 0;
    qint64 enqueuedNs = 0;
};

class OutgoingQueue {
public:
    explicit OutgoingQueue(int maxEvents) : m_maxEvents(maxEvents) {}

    void putState(const QString& topic, const QByteArray& payload, const QString& file = {});
    // False when full: the event is dropped (and counted).
    bool putEvent(MqttMessage message);
    // Every known state is due again (after a connect).
    void resendAllStates();
    // What is due: states first (in the order they became due), then events.
    std::vector<MqttMessage> take();

    int queued() const { return int(m_dirty.size() + m_events.size()); }
    int queuedEvents() const { return int(m_events.size()); }
    quint64 dropped() const { return m_dropped; }
    int stateCount() const { return int(m_states.size()); }
    bool hasState(const QString& topic) const { return m_states.count(topic) > 0; }

private:
    struct State {
        QByteArray payload;
        QString file;
    };
    std::map<QString, State> m_states;
    std::vector<QString> m_dirty;      // due, in order
    QSet<QString> m_dirtySet;
    std::deque<MqttMessage> m_events;
    int m_maxEvents;
    quint64 m_dropped = 0;
};

} // namespace vigil
