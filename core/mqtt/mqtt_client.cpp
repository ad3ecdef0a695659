#include "mqtt/mqtt_client.h"

#include <QFile>
#include <cerrno>
#include <cstring>
#include <mosquitto.h>
#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "common/frame.h"
#include "mqtt/mqtt_log.h"

namespace vigil {

namespace {

constexpr const char* kOnline = "online";
constexpr const char* kOffline = "offline";

void initLibrary()
{
    static std::once_flag once;
    std::call_once(once, [] { mosquitto_lib_init(); });  // never cleaned up: other clients may follow
}

QString describeFailure(int rc, int err, const MqttClientOptions& o)
{
    const QString where = QStringLiteral("%1:%2").arg(o.host).arg(o.port);
    switch (rc) {
    case MOSQ_ERR_ERRNO:
        if (err == ECONNREFUSED)
            return QStringLiteral("refused: nothing accepts connections at %1").arg(where);
        if (err == ECONNRESET || err == EPIPE)
            return QStringLiteral("connection lost: %1").arg(QString::fromLocal8Bit(std::strerror(err)));
        return QStringLiteral("unreachable: %1 (%2)").arg(where, QString::fromLocal8Bit(std::strerror(err)));
    case MOSQ_ERR_EAI:
        return QStringLiteral("unreachable: host \"%1\" not found").arg(o.host);
    case MOSQ_ERR_TLS:
    case MOSQ_ERR_TLS_HANDSHAKE:
        return QStringLiteral("TLS failure: the handshake with %1 failed (certificate or protocol)").arg(where);
    case MOSQ_ERR_CONN_LOST:
        return QStringLiteral("connection lost");
    case MOSQ_ERR_KEEPALIVE:
        return QStringLiteral("connection lost: no answer to keep-alive");
    case MOSQ_ERR_PROTOCOL:
        return QStringLiteral("refused: protocol error (is %1 an MQTT broker?)").arg(where);
    default:
        return QStringLiteral("connection lost: %1").arg(QString::fromUtf8(mosquitto_strerror(rc)));
    }
}

QString describeConnack(int code)
{
    switch (code) {
    case 4: return QStringLiteral("not authorised: bad user name or password");
    case 5: return QStringLiteral("not authorised: the broker does not allow this client");
    default: return QStringLiteral("refused: %1").arg(QString::fromUtf8(mosquitto_connack_string(code)));
    }
}

} // namespace

MqttClient::MqttClient(MqttClientOptions options, QObject* parent)
    : QObject(parent), m_options(std::move(options)), m_queue(m_options.maxQueuedEvents)
{
    qRegisterMetaType<vigil::MqttState>("vigil::MqttState");
    initLibrary();
    m_wakeFd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
}

MqttClient::~MqttClient()
{
    stop();
    if (m_wakeFd >= 0)
        ::close(m_wakeFd);
}

void MqttClient::start()
{
    if (m_thread.joinable())
        return;
    {
        std::lock_guard lock(m_mutex);
        m_stopping = false;
    }
    m_thread = std::thread([this] { run(); });
}

void MqttClient::stop()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    wake();
    if (m_thread.joinable())
        m_thread.join();
}

void MqttClient::wake()
{
    const quint64 one = 1;
    if (m_wakeFd >= 0 && ::write(m_wakeFd, &one, sizeof one) < 0) {
        // Full counter: the thread is awake anyway.
    }
}

void MqttClient::publishState(const QString& topic, const QByteArray& payload)
{
    {
        std::lock_guard lock(m_mutex);
        if (m_stopping)
            return;
        m_queue.putState(topic, payload);
    }
    wake();
}

void MqttClient::publishStateFile(const QString& topic, const QString& path)
{
    {
        std::lock_guard lock(m_mutex);
        if (m_stopping)
            return;
        m_queue.putState(topic, {}, path);
    }
    wake();
}

void MqttClient::publishEvent(const QString& topic, const QByteArray& payload)
{
    MqttMessage m;
    m.topic = topic;
    m.payload = payload;
    m.qos = 1;
    {
        std::lock_guard lock(m_mutex);
        if (m_stopping)
            return;
        m_queue.putEvent(std::move(m));
    }
    wake();
}

MqttStatus MqttClient::status() const
{
    std::lock_guard lock(m_mutex);
    MqttStatus s = m_status;
    s.queued = m_queue.queued();
    s.dropped = m_queue.dropped();
    return s;
}

void MqttClient::setState(MqttState state, const QString& reason)
{
    {
        std::lock_guard lock(m_mutex);
        if (m_status.state == state && m_status.reason == reason)
            return;
        m_status.state = state;
        m_status.reason = reason;
    }
    if (state == MqttState::Connected)
        qCInfo(lcMqtt).noquote() << QStringLiteral("MQTT: connected to %1:%2").arg(m_options.host).arg(m_options.port);
    else if (!reason.isEmpty())
        qCWarning(lcMqtt).noquote() << QStringLiteral("MQTT: %1").arg(reason);
    emit stateChanged(state, reason);
}

// --- network thread ---

void MqttClient::connectCallback(mosquitto*, void* self, int rc) { static_cast<MqttClient*>(self)->onConnect(rc); }
void MqttClient::disconnectCallback(mosquitto*, void* self, int rc)
{
    const int err = errno;  // the reason of MOSQ_ERR_ERRNO, before anything else touches it
    static_cast<MqttClient*>(self)->onDisconnect(rc, err);
}
void MqttClient::messageCallback(mosquitto*, void* self, const mosquitto_message* m)
{
    static_cast<MqttClient*>(self)->onMessage(m);
}

void MqttClient::onConnect(int rc)
{
    if (rc != 0) {
        m_refusal = describeConnack(rc);  // libmosquitto closes the connection next
        return;
    }
    m_connected = true;
    m_refusal.clear();
    m_backoffMs = m_options.backoffInitialMs;
    for (const QString& topic : m_options.subscriptions)
        mosquitto_subscribe(m_mosq, nullptr, topic.toUtf8().constData(), 0);
    if (!m_options.availabilityTopic.isEmpty())
        mosquitto_publish(m_mosq, nullptr, m_options.availabilityTopic.toUtf8().constData(),
                          int(std::strlen(kOnline)), kOnline, 1, true);
    {
        std::lock_guard lock(m_mutex);
        m_queue.resendAllStates();
    }
    setState(MqttState::Connected, {});
    emit connected();
}

void MqttClient::onDisconnect(int rc, int err)
{
    const bool wasConnected = m_connected;
    m_connected = false;
    QString reason = !m_refusal.isEmpty() ? m_refusal
                     : rc == 0 ? QStringLiteral("disconnected") : describeFailure(rc, err, m_options);
    m_refusal.clear();
    if (wasConnected)
        m_backoffMs = m_options.backoffInitialMs;  // a broker that was there is tried again soon
    m_nextAttemptNs = nowNs() + qint64(m_backoffMs) * 1'000'000;
    m_backoffMs = qMin(m_backoffMs * 2, m_options.backoffMaxMs);
    bool stopping;
    {
        std::lock_guard lock(m_mutex);
        stopping = m_stopping;
    }
    if (!stopping)
        setState(MqttState::Reconnecting, reason);
}

void MqttClient::onMessage(const mosquitto_message* m)
{
    emit messageReceived(QString::fromUtf8(m->topic),
                         QByteArray(static_cast<const char*>(m->payload), m->payloadlen));
}

void MqttClient::sendDue(mosquitto* mosq)
{
    std::vector<MqttMessage> due;
    {
        std::lock_guard lock(m_mutex);
        due = m_queue.take();
    }
    for (MqttMessage& m : due) {
        if (!m.file.isEmpty()) {
            QFile f(m.file);
            if (!f.open(QIODevice::ReadOnly))
                continue;  // gone (retention): the broker keeps the previous picture
            m.payload = f.readAll();
        }
        const QByteArray topic = m.topic.toUtf8();
        const int rc = mosquitto_publish(mosq, nullptr, topic.constData(), int(m.payload.size()),
                                         m.payload.constData(), m.qos, m.retain);
        // A lost connection shows on the next read; QoS 1 messages stay in libmosquitto's queue and
        // are sent again after the reconnect, retained states are all sent again anyway.
        if (rc != MOSQ_ERR_SUCCESS && rc != MOSQ_ERR_NO_CONN && rc != MOSQ_ERR_ERRNO && rc != MOSQ_ERR_CONN_LOST)
            qCWarning(lcMqtt).noquote() << QStringLiteral("MQTT: not published on %1: %2")
                                               .arg(m.topic, QString::fromUtf8(mosquitto_strerror(rc)));
    }
}

void MqttClient::run()
{
    pthread_setname_np(pthread_self(), "vigil-mqtt");  // for top, gdb and the benchmark
    mosquitto* mosq = mosquitto_new(m_options.clientId.toUtf8().constData(), true, this);
    if (!mosq) {
        setState(MqttState::Reconnecting, QStringLiteral("unreachable: the MQTT client could not be created"));
        return;
    }
    m_mosq = mosq;
    mosquitto_int_option(mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
    // Small state messages right after a snapshot would otherwise wait for the delayed ACK (~40 ms).
    mosquitto_int_option(mosq, MOSQ_OPT_TCP_NODELAY, 1);
    if (!m_options.username.isEmpty())
        mosquitto_username_pw_set(mosq, m_options.username.toUtf8().constData(),
                                  m_options.password.isEmpty() ? nullptr : m_options.password.toUtf8().constData());
    if (!m_options.availabilityTopic.isEmpty())
        mosquitto_will_set(mosq, m_options.availabilityTopic.toUtf8().constData(), int(std::strlen(kOffline)),
                           kOffline, 1, true);
    QString fatal;
    if (m_options.tls) {
        int rc;
        if (m_options.caFile.isEmpty()) {
            mosquitto_int_option(mosq, MOSQ_OPT_TLS_USE_OS_CERTS, 1);
            rc = mosquitto_tls_set(mosq, nullptr, "/etc/ssl/certs", nullptr, nullptr, nullptr);
        } else {
            rc = mosquitto_tls_set(mosq, m_options.caFile.toUtf8().constData(), nullptr, nullptr, nullptr, nullptr);
        }
        if (rc != MOSQ_ERR_SUCCESS)
            fatal = QStringLiteral("TLS failure: the CA file %1 cannot be used").arg(m_options.caFile);
    }
    mosquitto_connect_callback_set(mosq, &MqttClient::connectCallback);
    mosquitto_disconnect_callback_set(mosq, &MqttClient::disconnectCallback);
    mosquitto_message_callback_set(mosq, &MqttClient::messageCallback);

    m_backoffMs = m_options.backoffInitialMs;
    m_nextAttemptNs = 0;
    qint64 connectStartNs = 0;
    bool first = true;
    if (!fatal.isEmpty())
        setState(MqttState::Reconnecting, fatal);
    for (;;) {
        {
            std::lock_guard lock(m_mutex);
            if (m_stopping)
                break;
        }
        const qint64 now = nowNs();
        int sock = mosquitto_socket(mosq);
        const bool hung = sock >= 0 && !m_connected
                          && now - connectStartNs > qint64(m_options.connectTimeoutMs) * 1'000'000;
        if (fatal.isEmpty() && ((sock < 0 && now >= m_nextAttemptNs) || hung)) {
            if (hung)
                setState(MqttState::Reconnecting, QStringLiteral("unreachable: no answer from %1:%2 within %3 s")
                                                      .arg(m_options.host).arg(m_options.port)
                                                      .arg(m_options.connectTimeoutMs / 1000));
            else if (first)
                setState(MqttState::Connecting, {});
            first = false;
            connectStartNs = now;
            // Resolves the name here, on this thread; a new attempt closes a hung one.
            errno = 0;
            const int rc = mosquitto_connect_async(mosq, m_options.host.toUtf8().constData(), m_options.port,
                                                   m_options.keepAliveS);
            if (rc != MOSQ_ERR_SUCCESS) {
                const int err = errno;
                m_nextAttemptNs = now + qint64(m_backoffMs) * 1'000'000;
                m_backoffMs = qMin(m_backoffMs * 2, m_options.backoffMaxMs);
                setState(MqttState::Reconnecting, describeFailure(rc, err, m_options));
            } else if (hung) {
                m_nextAttemptNs = now + qint64(m_backoffMs) * 1'000'000;
                m_backoffMs = qMin(m_backoffMs * 2, m_options.backoffMaxMs);
            }
            sock = mosquitto_socket(mosq);
        }
        if (m_connected)
            sendDue(mosq);

        pollfd fds[2] = {{m_wakeFd, POLLIN, 0}, {sock, short(POLLIN | (mosquitto_want_write(mosq) ? POLLOUT : 0)), 0}};
        int timeoutMs = 1000;
        if (sock < 0)
            timeoutMs = int(qBound<qint64>(qint64(0), (m_nextAttemptNs - nowNs()) / 1'000'000 + 1, qint64(1000)));
        if (::poll(fds, sock >= 0 ? 2 : 1, timeoutMs) < 0 && errno != EINTR)
            break;
        if (fds[0].revents & POLLIN) {
            quint64 n;
            while (::read(m_wakeFd, &n, sizeof n) > 0) {
            }
        }
        if (sock < 0)
            continue;
        // The callbacks run in here; an error closes the socket and calls onDisconnect.
        if (fds[1].revents & (POLLIN | POLLERR | POLLHUP))
            mosquitto_loop_read(mosq, 1);
        if (mosquitto_socket(mosq) >= 0 && ((fds[1].revents & POLLOUT) || mosquitto_want_write(mosq)))
            mosquitto_loop_write(mosq, 1);
        if (mosquitto_socket(mosq) >= 0)
            mosquitto_loop_misc(mosq);
    }

    // Clean exit: what is due, "offline", then DISCONNECT (so the broker sends no last will).
    if (m_connected) {
        sendDue(mosq);
        if (!m_options.availabilityTopic.isEmpty())
            mosquitto_publish(mosq, nullptr, m_options.availabilityTopic.toUtf8().constData(),
                              int(std::strlen(kOffline)), kOffline, 1, true);
        mosquitto_disconnect(mosq);
        const qint64 deadline = nowNs() + 1'000'000'000;
        while (mosquitto_socket(mosq) >= 0 && nowNs() < deadline) {
            pollfd fd{mosquitto_socket(mosq), short(POLLIN | (mosquitto_want_write(mosq) ? POLLOUT : 0)), 0};
            ::poll(&fd, 1, 50);
            if (fd.revents & (POLLIN | POLLERR | POLLHUP))
                mosquitto_loop_read(mosq, 1);
            if (mosquitto_socket(mosq) >= 0)
                mosquitto_loop_write(mosq, 1);
        }
    }
    m_connected = false;
    m_mosq = nullptr;
    mosquitto_destroy(mosq);
    {
        std::lock_guard lock(m_mutex);
        m_status.state = MqttState::Off;
        m_status.reason.clear();
    }
}

} // namespace vigil
