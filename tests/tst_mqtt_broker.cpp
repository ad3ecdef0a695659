// MqttClient against a real mosquitto: availability and last will, why a connection fails,
// and a broker that goes away and comes back (queued events within the limit arrive, states are
// sent again). The last will is checked on a client process killed with SIGKILL (tst_mqtt_cli
// does the same with `vigil --headless --mqtt`).
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include "mqtt/mqtt_client.h"
#include "tst_mqtt_util.h"

using namespace vigil;
using test::Subscriber;

class TestMqttBroker : public QObject {
    Q_OBJECT
private:
    static MqttClientOptions options(quint16 port, const QString& prefix)
    {
        MqttClientOptions o;
        o.host = "127.0.0.1";
        o.port = port;
        o.clientId = "tst-" + prefix;
        o.availabilityTopic = prefix + "/available";
        o.subscriptions << prefix + "/+/+/set";
        o.backoffInitialMs = 200;
        o.backoffMaxMs = 1000;
        return o;
    }
    static bool waitState(const MqttClient& c, MqttState s, int timeoutMs = 10000)
    {
        return Subscriber::waitUntil([&] { return c.status().state == s; }, timeoutMs);
    }

private slots:
    void initTestCase()
    {
        if (!test::haveMosquitto())
            QSKIP("/usr/sbin/mosquitto is not installed (apt install mosquitto)");
    }

    void availabilityAndCommands()
    {
        test::Broker broker;
        QVERIFY(broker.start());
        MqttClient client(options(broker.port(), "t1"));
        QByteArray command;
        connect(&client, &MqttClient::messageReceived, this,
                [&](const QString& topic, const QByteArray& payload) { command = topic.toUtf8() + "=" + payload; });
        client.publishState("t1/cam/status", "live");   // before the connection: sent on connect
        client.start();
        QVERIFY(waitState(client, MqttState::Connected));
        QVERIFY(client.status().reason.isEmpty());
        Subscriber sub(broker.port(), {"t1/#"});
        QVERIFY(sub.waitFor("t1/available", "online"));
        QVERIFY(sub.waitFor("t1/cam/status", "live"));
        // A subscriber that comes later gets both as retained messages.
        Subscriber retained(broker.port(), {"t1/#"});
        QVERIFY(retained.waitFor("t1/available", "online"));
        QVERIFY(retained.waitFor("t1/cam/status", "live"));
        QVERIFY(retained.on("t1/available").front().retained);
        QVERIFY(retained.on("t1/cam/status").front().retained);
        // Commands reach the client (on its owner's thread).
        sub.publish("t1/cam/fps/set", "5");
        QTRY_COMPARE_WITH_TIMEOUT(command, QByteArray("t1/cam/fps/set=5"), 5000);
        // Clearing a state removes the retained message.
        client.publishState("t1/cam/status", {});
        QVERIFY(sub.waitFor("t1/cam/status", ""));
        client.stop();
        QVERIFY(sub.waitFor("t1/available", "offline"));
        QCOMPARE(client.status().state, MqttState::Off);
        Subscriber late(broker.port(), {"t1/#"});
        QVERIFY(late.waitFor("t1/available", "offline"));
        QTest::qWait(300);
        QCOMPARE(late.count("t1/cam/status"), 0);
    }

    void failureReasons()
    {
        // Nothing listens there.
        MqttClient refused(options(test::freePort(), "t2"));
        refused.start();
        QVERIFY(waitState(refused, MqttState::Reconnecting));
        QVERIFY2(refused.status().reason.startsWith("refused"), qPrintable(refused.status().reason));
        refused.stop();

        test::Broker broker("right");
        QVERIFY(broker.start());
        MqttClientOptions o = options(broker.port(), "t2");
        o.username = "vigil";
        o.password = "wrong";
        MqttClient wrong(o);
        wrong.start();
        QVERIFY(waitState(wrong, MqttState::Reconnecting));
        QVERIFY2(wrong.status().reason.startsWith("not authorised"), qPrintable(wrong.status().reason));
        QVERIFY(!wrong.status().reason.contains("wrong"));  // never the password
        wrong.stop();
        o.password = "right";
        MqttClient right(o);
        right.start();
        QVERIFY(waitState(right, MqttState::Connected));
    }

    void brokerRestartKeepsQueue()
    {
        // The subscriber's session survives the restart, so it misses nothing the client sends
        // before it is back; the retained state below is published while the broker is away, so
        // only the client's resend can bring it.
        test::Broker broker;
        broker.setPersistent(true);
        QVERIFY(broker.start());
        Subscriber sub(broker.port(), {"t3/#"}, "tst-t3-sub");
        MqttClientOptions o = options(broker.port(), "t3");
        o.maxQueuedEvents = 1000;
        MqttClient client(o);
        client.start();
        QVERIFY(waitState(client, MqttState::Connected));
        client.publishState("t3/cam/person", "1");
        QVERIFY(sub.waitFor("t3/cam/person", "1"));
        broker.stop();
        QVERIFY(waitState(client, MqttState::Reconnecting));
        QVERIFY2(client.status().reason.startsWith("connection lost") || client.status().reason.startsWith("refused"),
                 qPrintable(client.status().reason));
        for (int i = 0; i < 1200; ++i)
            client.publishEvent("t3/events", QByteArray::number(i));
        for (int i = 0; i < 10; ++i)
            client.publishState("t3/cam/person", QByteArray::number(i));  // only the newest is kept
        QTest::qWait(500);
        MqttStatus s = client.status();
        QCOMPARE(s.dropped, quint64(200));
        QCOMPARE(s.queued, 1000 + 1);
        QCOMPARE(s.state, MqttState::Reconnecting);
        QVERIFY(broker.start(broker.port()));   // same port
        QVERIFY(waitState(client, MqttState::Connected, 15000));
        QVERIFY(sub.waitFor("t3/available", "online"));
        QVERIFY(sub.waitFor("t3/cam/person", "9"));
        QVERIFY2(Subscriber::waitUntil([&] { return sub.count("t3/events") >= 1000; }, 10000),
                 qPrintable(QStringLiteral("%1 events, first %2, queued %3")
                                .arg(sub.count("t3/events"))
                                .arg(sub.count("t3/events") ? QString(sub.on("t3/events").front().payload) : QString())
                                .arg(client.status().queued)));
        const auto events = sub.on("t3/events");
        QCOMPARE(int(events.size()), 1000);
        for (int i = 0; i < 1000; ++i)
            QCOMPARE(events[size_t(i)].payload, QByteArray::number(i));  // in order, the first 1000
        QCOMPARE(client.status().queued, 0);
    }

    void lastWillWhenKilled()
    {
        test::Broker broker;
        QVERIFY(broker.start());
        Subscriber sub(broker.port(), {"lwt/#"});
        // This test run again as a plain client process (see main()).
        QProcess helper;
        helper.setProcessChannelMode(QProcess::ForwardedChannels);
        helper.start(QCoreApplication::applicationFilePath(), {"--lwt-helper", QString::number(broker.port())});
        QVERIFY(helper.waitForStarted(10000));
        QVERIFY(sub.waitFor("lwt/available", "online", 10000));
        helper.kill();   // SIGKILL: no clean exit, the broker sends the last will
        QVERIFY(helper.waitForFinished(5000));
        QVERIFY(sub.waitFor("lwt/available", "offline", 10000));
        Subscriber late(broker.port(), {"lwt/available"});   // the will is retained
        QVERIFY(late.waitFor("lwt/available", "offline", 5000));
    }

public:
    // The helper process of lastWillWhenKilled: connects and waits to be killed.
    static int lwtHelper(int argc, char** argv)
    {
        QCoreApplication app(argc, argv);
        MqttClient client(options(quint16(QByteArray(argv[2]).toInt()), "lwt"));
        client.start();
        return app.exec();
    }
};

int main(int argc, char** argv)
{
    if (argc == 3 && QByteArray(argv[1]) == "--lwt-helper")
        return TestMqttBroker::lwtHelper(argc, argv);
    QCoreApplication app(argc, argv);
    TestMqttBroker test;
    return QTest::qExec(&test, argc, argv);
}
#include "tst_mqtt_broker.moc"
