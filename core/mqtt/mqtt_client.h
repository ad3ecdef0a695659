#pragma once
// One connection to an MQTT broker (libmosquitto), on its own network thread. Every libmosquitto
// call happens on that thread: publishers only put messages in the OutgoingQueue and wake it, so
// publishing never waits on the network. The thread connects, reconnects with back-off (forever:
// a wrong broker never stops anything else), subscribes again after each connect and sends every
// retained state again.
#include <QByteArray>
#include <QObject>
#include <QString>
#include <QStringList>
#include <atomic>
#include <mutex>
#include <thread>

#include "mqtt/mqtt_status.h"
#include "mqtt/outgoing_queue.h"

struct mosquitto;
struct mosquitto_message;

namespace vigil {

struct MqttClientOptions {
    QString host;
    int port = 1883;
    QString username;
    QString password;
    bool tls = false;
    QString caFile;                  // with tls: empty = the system's CAs
    QString clientId;
    int keepAliveS = 30;
    QString availabilityTopic;       // retained "online" on connect; "offline" as LWT and on stop()
    QStringList subscriptions;       // QoS 0, renewed on every connect
    int maxQueuedEvents = 1000;
    int backoffInitialMs = 500;
    int backoffMaxMs = 8000;
    int connectTimeoutMs = 10000;    // no CONNACK this long after starting to connect: try again
};

class MqttClient : public QObject {
    Q_OBJECT
public:
    explicit MqttClient(MqttClientOptions options, QObject* parent = nullptr);
    ~MqttClient() override;          // stop()

    void start();
    // Publishes "offline" (when connected), disconnects cleanly and joins the thread (bounded:
    // about a second for the last messages).
    void stop();

    // Thread-safe and non-blocking. Retained; the newest per topic is kept while disconnected and
    // sent again after every connect. An empty payload clears the topic on the broker.
    void publishState(const QString& topic, const QByteArray& payload);
    // The same with a file's content, read on the network thread when sent (skipped if missing).
    void publishStateFile(const QString& topic, const QString& path);
    // Not retained, QoS 1; queued up to maxQueuedEvents while disconnected, then dropped (counted).
    void publishEvent(const QString& topic, const QByteArray& payload);

    MqttStatus status() const;
    const MqttClientOptions& options() const { return m_options; }

signals:
    // Emitted on the network thread (receivers in other threads get them queued).
    void stateChanged(vigil::MqttState state, const QString& reason);
    void connected();
    void messageReceived(const QString& topic, const QByteArray& payload);

private:
    void run();
    void wake();
    void setState(MqttState state, const QString& reason);
    void sendDue(mosquitto* mosq);
    void onConnect(int rc);
    void onDisconnect(int rc, int err);
    void onMessage(const mosquitto_message* message);
    static void connectCallback(mosquitto*, void* self, int rc);
    static void disconnectCallback(mosquitto*, void* self, int rc);
    static void messageCallback(mosquitto*, void* self, const mosquitto_message* message);

    const MqttClientOptions m_options;
    mutable std::mutex m_mutex;      // guards the fields below
    OutgoingQueue m_queue;
    MqttStatus m_status;
    bool m_stopping = false;

    // Network thread only.
    mosquitto* m_mosq = nullptr;
    bool m_connected = false;        // CONNACK accepted
    QString m_refusal;               // why the broker refused the last CONNECT
    qint64 m_nextAttemptNs = 0;
    int m_backoffMs = 0;

    int m_wakeFd = -1;               // eventfd: new messages or stop
    std::thread m_thread;
};

} // namespace vigil
