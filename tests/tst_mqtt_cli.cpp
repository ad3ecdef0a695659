// `vigil --headless --mqtt URL --mqtt-prefix P` against a real mosquitto: the command line wires
// MQTT into the headless Pipeline; a clean exit (SIGTERM) says offline itself, a killed process
// (SIGKILL) through its last will.
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include "tst_mqtt_util.h"

using namespace vigil;
using test::Subscriber;

class TestMqttCli : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;

    void startVigil(QProcess& vigil, quint16 port)
    {
        vigil.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        vigil.start(QStringLiteral(VIGIL_BINARY),
                    {"--headless", "--demo", "--no-detect", "--events-dir", m_dir.filePath("events"),
                     "--mqtt", QStringLiteral("mqtt://127.0.0.1:%1").arg(port), "--mqtt-prefix", "cli/vigil"});
        QVERIFY(vigil.waitForStarted(10000));
    }

private slots:
    void initTestCase()
    {
        if (!test::haveMosquitto())
            QSKIP("/usr/sbin/mosquitto is not installed (apt install mosquitto)");
    }

    void cleanExitSaysOfflineKillLeavesTheWill()
    {
        test::Broker broker;
        QVERIFY(broker.start());
        Subscriber sub(broker.port(), {"cli/#", "homeassistant/#"});
        QProcess vigil;
        startVigil(vigil, broker.port());
        QVERIFY(sub.waitFor("cli/vigil/available", "online", 20000));
        QVERIFY(sub.waitFor("cli/vigil/demo/status", "live", 20000));
        QVERIFY(sub.waitFor("cli/vigil/demo/detect/state", "OFF"));
        // The prefix makes the ids: "cli/vigil" -> cli_vigil.
        QVERIFY(!sub.latest("homeassistant/binary_sensor/cli_vigil_demo/motion/config").isEmpty());
        vigil.terminate();
        QVERIFY(vigil.waitForFinished(15000));
        QCOMPARE(vigil.exitCode(), 0);
        QVERIFY(sub.waitFor("cli/vigil/available", "offline", 5000));

        startVigil(vigil, broker.port());
        QVERIFY(sub.waitFor("cli/vigil/available", "online", 20000));
        vigil.kill();   // SIGKILL: no clean exit, the broker sends the last will
        QVERIFY(vigil.waitForFinished(5000));
        QVERIFY(sub.waitFor("cli/vigil/available", "offline", 10000));
        Subscriber late(broker.port(), {"cli/vigil/available"});   // retained
        QVERIFY(late.waitFor("cli/vigil/available", "offline", 5000));
    }
};

QTEST_GUILESS_MAIN(TestMqttCli)
#include "tst_mqtt_cli.moc"
