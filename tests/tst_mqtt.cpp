// MQTT without a broker: settings, the --mqtt URL, command parsing, Home Assistant discovery
// configs, the outgoing queue's limits and the stats document.
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QTest>

#ifdef VIGIL_HAVE_CLI
#include "cli_options.h"
#endif
#include "config/app_settings.h"
#include "config/json_reader.h"
#include "mqtt/ha_discovery.h"
#include "mqtt/mqtt_status.h"
#include "mqtt/mqtt_topics.h"
#include "mqtt/outgoing_queue.h"
#include "mqtt/stats_document.h"
#include "pipeline/pipeline_overrides.h"

using namespace vigil;

class TestMqtt : public QObject {
    Q_OBJECT
private slots:
    void settingsRoundTripAndErrors()
    {
        AppSettings a;
        a.mqtt.enabled = true;
        a.mqtt.host = "broker.lan";
        a.mqtt.port = 8883;
        a.mqtt.username = "ha";
        a.mqtt.password = "s3cret";
        a.mqtt.tls = true;
        a.mqtt.topicPrefix = "home/vigil";
        a.mqtt.statsIntervalS = 15;
        a.mqtt.motionQuietS = 5;
        QStringList errors;
        const AppSettings b = AppSettings::fromJson(a.toJson(), &errors);
        QVERIFY2(errors.isEmpty(), qPrintable(errors.join("; ")));
        QCOMPARE(b.mqtt, a.mqtt);

        QJsonObject bad = a.toJson();
        bad["mqtt"] = QJsonObject{{"port", 70000}, {"topic_prefix", "a/#"}, {"stats_interval_s", 0}, {"host", "h"}};
        const AppSettings c = AppSettings::fromJson(bad, &errors);
        QCOMPARE(errors.size(), 3);
        QVERIFY(errors.join('\n').contains("mqtt.port"));
        QVERIFY(errors.join('\n').contains("mqtt.topic_prefix"));
        QCOMPARE(c.mqtt.port, 1883);
        QCOMPARE(c.mqtt.topicPrefix, QStringLiteral("vigil"));
        QCOMPARE(c.mqtt.host, QStringLiteral("h"));
        QVERIFY(MqttSettings().effectiveClientId().startsWith("vigil-"));
        QVERIFY(!a.mqtt.displayUrl().contains("s3cret"));
    }

    void mqttUrl_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<QString>("host");
        QTest::addColumn<int>("port");
        QTest::addColumn<bool>("tls");
        QTest::addColumn<QString>("user");
        QTest::addColumn<QString>("password");
        QTest::newRow("plain") << "mqtt://broker" << true << "broker" << 1883 << false << "" << "";
        QTest::newRow("tls") << "mqtts://u:p%40ss@10.0.0.2" << true << "10.0.0.2" << 8883 << true << "u" << "p@ss";
        QTest::newRow("port") << "mqtt://h:1884/" << true << "h" << 1884 << false << "" << "";
        QTest::newRow("http") << "http://h" << false << "" << 0 << false << "" << "";
        QTest::newRow("no host") << "mqtt://" << false << "" << 0 << false << "" << "";
        QTest::newRow("path") << "mqtt://h/vigil" << false << "" << 0 << false << "" << "";
    }
    void mqttUrl()
    {
        QFETCH(QString, url);
        QFETCH(bool, ok);
        MqttSettings s;
        QString error;
        QCOMPARE(parseMqttUrl(url, &s, &error), ok);
        if (!ok) {
            QVERIFY(!error.isEmpty());
            QVERIFY(!s.enabled);
            return;
        }
        QFETCH(QString, host);
        QFETCH(int, port);
        QFETCH(bool, tls);
        QFETCH(QString, user);
        QFETCH(QString, password);
        QVERIFY(s.enabled);
        QCOMPARE(s.host, host);
        QCOMPARE(s.port, port);
        QCOMPARE(s.tls, tls);
        QCOMPARE(s.username, user);
        QCOMPARE(s.password, password);
    }

    void commandLine()
    {
#ifndef VIGIL_HAVE_CLI
        QSKIP("built without the command line (VIGIL_BUILD_APP=OFF)");
#else
        CliParseResult r = parseCommandLine({"vigil", "--headless", "--demo", "--mqtt", "mqtt://me:hunter2@b:1999",
                                             "--mqtt-prefix", "yard/vigil"});
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        PipelineOverrides& o = r.options.overrides;
        QVERIFY(o.mqttGiven());
        MqttSettings s = applyMqttOverrides(MqttSettings(), o);
        QVERIFY(s.enabled);
        QCOMPARE(s.host, QStringLiteral("b"));
        QCOMPARE(s.port, 1999);
        QCOMPARE(s.password, QStringLiteral("hunter2"));
        QCOMPARE(s.topicPrefix, QStringLiteral("yard/vigil"));
        // Only the prefix: the broker stays the settings' one.
        r = parseCommandLine({"vigil", "--headless", "--demo", "--mqtt-prefix", "p"});
        MqttSettings saved;
        saved.host = "saved";
        s = applyMqttOverrides(saved, r.options.overrides);
        QCOMPARE(s.host, QStringLiteral("saved"));
        QVERIFY(!s.enabled);
        QCOMPARE(s.topicPrefix, QStringLiteral("p"));
        // Errors never show the password.
        r = parseCommandLine({"vigil", "--headless", "--demo", "--mqtt", "tcp://me:hunter2@b"});
        QVERIFY(!r.error.isEmpty());
        QVERIFY2(!r.error.contains("hunter2"), qPrintable(r.error));
        r = parseCommandLine({"vigil", "--headless", "--demo", "--mqtt-prefix", "a/+/b"});
        QVERIFY(r.error.contains("--mqtt-prefix"));
#endif
    }

    void commands()
    {
        QString error;
        auto parse = [&](const QString& topic, const QByteArray& payload) {
            return parseMqttCommand("home/vigil", topic, payload, &error);
        };
        auto c = parse("home/vigil/yard/detect/set", " off ");
        QVERIFY(c);
        QCOMPARE(c->camera, QStringLiteral("yard"));
        QCOMPARE(c->kind, MqttCommand::Kind::Detect);
        QVERIFY(!c->on);
        QVERIFY(parse("home/vigil/yard/detect/set", "ON")->on);
        QCOMPARE(parse("home/vigil/yard/fps/set", "2.5")->fps, 2.5);
        QCOMPARE(parse("home/vigil/yard/skip_frames/set", "3")->skipFrames, 3);
        QCOMPARE(parse("home/vigil/yard/snapshot/set", "")->kind, MqttCommand::Kind::Snapshot);
        for (const auto& [topic, payload] : std::vector<std::pair<QString, QByteArray>>{
                 {"home/vigil/yard/detect/set", "maybe"},
                 {"home/vigil/yard/fps/set", "abc"},
                 {"home/vigil/yard/fps/set", "-1"},
                 {"home/vigil/yard/fps/set", "nan"},
                 {"home/vigil/yard/skip_frames/set", "1.5"},
                 {"home/vigil/yard/skip_frames/set", "0"},
                 {"home/vigil/yard/reboot/set", "1"},
                 {"home/vigil/yard/fps/state", "1"},
                 {"other/yard/fps/set", "1"},
                 {"home/vigil//fps/set", "1"},
                 {"home/vigil/yard/x/fps/set", "1"}}) {
            error.clear();
            QVERIFY2(!parse(topic, payload), qPrintable(topic + " " + payload));
            QVERIFY(!error.isEmpty());
        }
        QCOMPARE(topicLabel("traffic light"), QStringLiteral("traffic_light"));
        QCOMPARE(topicLabel("a/b+#"), QStringLiteral("a_b__"));
    }

    void discovery()
    {
        MqttSettings s;
        s.topicPrefix = "vigil";
        const DiscoveryCamera cam{"yard", "Back yard", {"person", "traffic light"}};
        const QList<DiscoveryConfig> configs = cameraDiscovery(s, cam);
        QSet<QString> ids, topics;
        QSet<QString> components;
        for (const DiscoveryConfig& d : configs) {
            const QJsonObject c = QJsonDocument::fromJson(QJsonDocument(d.config).toJson()).object();
            const QString uid = c["unique_id"].toString();
            QVERIFY2(uid.startsWith("vigil_yard_"), qPrintable(uid));
            // <discovery>/<component>/<P>_<camera>/<entity>/config, the entity being the unique id's tail.
            const QStringList parts = d.topic.split('/');
            QCOMPARE(parts.size(), 5);
            QCOMPARE(parts[0], QStringLiteral("homeassistant"));
            QCOMPARE(parts[2], QStringLiteral("vigil_yard"));
            QCOMPARE(parts[4], QStringLiteral("config"));
            QCOMPARE(uid, "vigil_yard_" + parts[3]);
            components.insert(parts[1]);
            QVERIFY(!c["name"].toString().isEmpty());
            const QJsonObject device = c["device"].toObject();
            QCOMPARE(device["identifiers"].toArray().first().toString(), QStringLiteral("vigil_yard"));
            QCOMPARE(device["model"].toString(), QStringLiteral("Vigil camera"));
            QCOMPARE(device["name"].toString(), QStringLiteral("Back yard"));
            QCOMPARE(device["via_device"].toString(), QStringLiteral("vigil"));
            QVERIFY(!device["sw_version"].toString().isEmpty());
            QCOMPARE(c["availability"].toArray().first().toObject()["topic"].toString(), QStringLiteral("vigil/available"));
            QVERIFY(c.contains("state_topic") || c.contains("image_topic") || c.contains("command_topic"));
            ids.insert(uid);
            topics.insert(d.topic);
        }
        QCOMPARE(ids.size(), configs.size());   // unique
        QCOMPARE(topics.size(), configs.size());
        for (const char* want : {"binary_sensor", "sensor", "switch", "number", "image"})
            QVERIFY2(components.contains(want), want);
        for (const char* want : {"vigil_yard_motion", "vigil_yard_person_occupancy", "vigil_yard_traffic_light_occupancy",
                                 "vigil_yard_output_fps", "vigil_yard_latency_p99", "vigil_yard_state",
                                 "vigil_yard_detection", "vigil_yard_fps", "vigil_yard_snapshot"})
            QVERIFY2(ids.contains(want), want);
        // Stable: the same input gives the same configs.
        QCOMPARE(cameraDiscovery(s, cam).size(), configs.size());
        QCOMPARE(cameraDiscovery(s, cam).first().config, configs.first().config);
        // The switch commands what the command topics take.
        for (const DiscoveryConfig& d : configs)
            if (d.config["unique_id"] == "vigil_yard_detection") {
                QCOMPARE(d.config["command_topic"].toString(), QStringLiteral("vigil/yard/detect/set"));
                QCOMPARE(d.config["state_topic"].toString(), QStringLiteral("vigil/yard/detect/state"));
            }
        const DiscoveryConfig node = nodeDiscovery(s);
        QCOMPARE(node.config["device"].toObject()["identifiers"].toArray().first().toString(), QStringLiteral("vigil"));
    }

    void queueKeepsNewestStateAndBoundsEvents()
    {
        OutgoingQueue q(3);
        q.putState("a", "1");
        q.putState("b", "1");
        q.putState("a", "2");
        for (int i = 0; i < 5; ++i)
            q.putEvent(MqttMessage{"events", QByteArray::number(i), {}, false, 1, 0});
        QCOMPARE(q.dropped(), quint64(2));
        QCOMPARE(q.queued(), 2 + 3);
        std::vector<MqttMessage> due = q.take();
        QCOMPARE(int(due.size()), 5);
        QCOMPARE(due[0].topic, QStringLiteral("a"));
        QCOMPARE(due[0].payload, QByteArray("2"));
        QVERIFY(due[0].retain);
        QCOMPARE(due[2].payload, QByteArray("0"));   // events first in, first out
        QCOMPARE(due[4].payload, QByteArray("2"));
        QVERIFY(!due[4].retain);
        QCOMPARE(q.queued(), 0);
        // After a connect every state is due again; a cleared one is sent once, then forgotten.
        q.putState("b", {});
        QCOMPARE(int(q.take().size()), 1);
        q.resendAllStates();
        due = q.take();
        QCOMPARE(int(due.size()), 1);
        QCOMPARE(due[0].topic, QStringLiteral("a"));
    }

    void statsDocumentShape()
    {
        MqttStatus s;
        s.state = MqttState::Reconnecting;
        s.reason = "refused: x";
        s.queued = 4;
        s.dropped = 2;
        const QJsonObject doc = statsDocument({}, s);
        QVERIFY(doc["cameras"].isArray());
        const QJsonObject m = doc["mqtt"].toObject();
        QCOMPARE(m["state"].toString(), QStringLiteral("reconnecting"));
        QCOMPARE(m["reason"].toString(), QStringLiteral("refused: x"));
        QCOMPARE(m["queued"].toInt(), 4);
        QCOMPARE(m["dropped"].toInt(), 2);
        // A board says off until a service is its source, and again once that one withdraws;
        // another owner cannot withdraw it.
        MqttStatusBoard board;
        QCOMPARE(board.current().state, MqttState::Off);
        int owner = 0, other = 0;
        board.setSource(&owner, [s] { return s; });
        QCOMPARE(board.current().state, MqttState::Reconnecting);
        board.withdraw(&other);
        QCOMPARE(board.current().reason, QStringLiteral("refused: x"));
        board.withdraw(&owner);
        QCOMPARE(board.current().state, MqttState::Off);
    }
};

QTEST_GUILESS_MAIN(TestMqtt)
#include "tst_mqtt.moc"
