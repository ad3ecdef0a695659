#pragma once
// For the MQTT tests: a real mosquitto broker on a free 127.0.0.1 port (its own conf, persistence
// off) and a subscriber written straight on libmosquitto (not on the client under test).
#include <QByteArray>
#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QFile>
#include <QProcess>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <functional>
#include <mosquitto.h>
#include <mutex>
#include <vector>

#include "common/frame.h"

namespace vigil::test {

inline const char* kMosquittoBinary = "/usr/sbin/mosquitto";
inline bool haveMosquitto() { return QFile::exists(QString::fromLatin1(kMosquittoBinary)); }

inline quint16 freePort()
{
    QTcpServer s;
    s.listen(QHostAddress::LocalHost, 0);
    return s.serverPort();
}

class Broker {
public:
    // password: also a user "vigil" with this password, and no anonymous clients.
    explicit Broker(const QString& password = {}) : m_password(password) {}
    // Keeps sessions (and retained messages) across a restart, so that a subscriber with a
    // persistent session misses nothing published while it reconnects. Off by default.
    void setPersistent(bool on) { m_persistent = on; }
    ~Broker() { stop(); }

    bool start(quint16 port = 0)
    {
        if (port == 0)
            port = m_port ? m_port : freePort();
        m_port = port;
        // Run as root, mosquitto drops to its own user before it reads the password file and
        // writes its persistence file: this test folder is everyone's.
        QFile::setPermissions(m_dir.path(), QFileDevice::Permissions(0x7777));
        QFile conf(m_dir.filePath("mosquitto.conf"));
        if (!conf.open(QIODevice::WriteOnly))
            return false;
        QByteArray text = "listener " + QByteArray::number(port) + " 127.0.0.1\n";
        if (m_persistent)
            text += "persistence true\npersistence_location " + m_dir.path().toUtf8() + "/\nmax_queued_messages 100000\n";
        else
            text += "persistence false\n";
        if (m_password.isEmpty()) {
            text += "allow_anonymous true\n";
        } else {
            const QString file = m_dir.filePath("passwd");
            if (QProcess::execute("mosquitto_passwd", {"-b", "-c", file, "vigil", m_password}) != 0)
                return false;
            QFile::setPermissions(file, QFile::permissions(file) | QFile::ReadOther);
            text += "allow_anonymous false\npassword_file " + file.toUtf8() + "\n";
        }
        conf.write(text);
        conf.close();
        m_process.setProcessChannelMode(QProcess::MergedChannels);
        m_process.start(QString::fromLatin1(kMosquittoBinary), {"-c", conf.fileName()});
        if (!m_process.waitForStarted(5000))
            return false;
        // Ready when it accepts connections.
        const QDeadlineTimer deadline(5000);
        while (!deadline.hasExpired()) {
            QTcpSocket s;
            s.connectToHost(QHostAddress::LocalHost, port);
            if (s.waitForConnected(200))
                return true;
            QTest::qWait(50);
        }
        return false;
    }
    void stop()
    {
        if (m_process.state() == QProcess::NotRunning)
            return;
        m_process.terminate();
        if (!m_process.waitForFinished(5000))
            m_process.kill();
        m_process.waitForFinished(2000);
    }
    quint16 port() const { return m_port; }
    QByteArray log() { return m_process.readAll(); }

private:
    QTemporaryDir m_dir;
    QString m_password;
    bool m_persistent = false;
    QProcess m_process;
    quint16 m_port = 0;
};

struct Received {
    QString topic;
    QByteArray payload;
    bool retained = false;
    qint64 receivedNs = 0;
};

// Subscribes on every (re)connect; messages kept in order of arrival.
class Subscriber {
public:
    // sessionId: a persistent session under this client id (with Broker::setPersistent, nothing
    // published while it reconnects is lost).
    explicit Subscriber(quint16 port, QStringList filters = {"#"}, const QString& sessionId = {})
        : m_filters(std::move(filters))
    {
        mosquitto_lib_init();
        m_mosq = sessionId.isEmpty() ? mosquitto_new(nullptr, true, this)
                                     : mosquitto_new(sessionId.toUtf8().constData(), false, this);
        mosquitto_connect_callback_set(m_mosq, [](mosquitto* m, void* self, int rc) {
            if (rc == 0)
                for (const QString& f : static_cast<Subscriber*>(self)->m_filters)
                    mosquitto_subscribe(m, nullptr, f.toUtf8().constData(), 1);
        });
        mosquitto_message_callback_set(m_mosq, [](mosquitto*, void* self, const mosquitto_message* msg) {
            auto* s = static_cast<Subscriber*>(self);
            std::lock_guard lock(s->m_mutex);
            s->m_messages.push_back({QString::fromUtf8(msg->topic),
                                     QByteArray(static_cast<const char*>(msg->payload), msg->payloadlen),
                                     msg->retain, nowNs()});
        });
        mosquitto_reconnect_delay_set(m_mosq, 1, 1, false);
        mosquitto_connect_async(m_mosq, "127.0.0.1", port, 30);
        mosquitto_loop_start(m_mosq);
    }
    ~Subscriber()
    {
        mosquitto_disconnect(m_mosq);
        mosquitto_loop_stop(m_mosq, true);
        mosquitto_destroy(m_mosq);
    }
    void publish(const QString& topic, const QByteArray& payload, bool retain = false)
    {
        mosquitto_publish(m_mosq, nullptr, topic.toUtf8().constData(), int(payload.size()), payload.constData(), 1, retain);
    }
    std::vector<Received> messages() const
    {
        std::lock_guard lock(m_mutex);
        return m_messages;
    }
    std::vector<Received> on(const QString& topic) const
    {
        std::vector<Received> out;
        for (const Received& r : messages())
            if (r.topic == topic)
                out.push_back(r);
        return out;
    }
    int count(const QString& topic) const { return int(on(topic).size()); }
    // The newest payload on the topic; `none` when nothing arrived.
    QByteArray latest(const QString& topic, const QByteArray& none = "<none>") const
    {
        const auto all = on(topic);
        return all.empty() ? none : all.back().payload;
    }
    // Waits (running the event loop) until the topic's newest payload is `payload`.
    bool waitFor(const QString& topic, const QByteArray& payload, int timeoutMs = 10000) const
    {
        return waitUntil([&] { return latest(topic) == payload; }, timeoutMs);
    }
    static bool waitUntil(const std::function<bool()>& done, int timeoutMs)
    {
        const QDeadlineTimer deadline(timeoutMs);
        while (!done()) {
            if (deadline.hasExpired())
                return false;
            QTest::qWait(20);
        }
        return true;
    }
    void clear()
    {
        std::lock_guard lock(m_mutex);
        m_messages.clear();
    }

private:
    QStringList m_filters;
    mosquitto* m_mosq = nullptr;
    mutable std::mutex m_mutex;
    std::vector<Received> m_messages;
};

} // namespace vigil::test
