// MQTT through the whole Pipeline, against a real mosquitto: the in-process ESP32 camera shows a
// yard where a real person (cut from a test photo) appears while the broker is down, and a real
// model finds them. Checks what a subscriber and Home Assistant see: availability, discovery,
// events, counts, motion, snapshots, stats, commands (and an invalid one), Home Assistant's
// restart, a removed camera, and that a broker outage costs the cameras nothing.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTemporaryDir>
#include <QTest>

#include "demo/esp32_camera_server.h"
#include "events/event_service.h"
#include "mqtt/mqtt_service.h"
#include "pipeline/pipeline.h"
#include "processing/jpeg_codec.h"
#include "test_util.h"
#include "tst_mqtt_util.h"

using namespace vigil;
using test::Subscriber;

class TestMqttPipeline : public QObject {
    Q_OBJECT
private:
    QString m_model;
    cv::Mat m_yard, m_person;
    QTemporaryDir m_dir;
    std::unique_ptr<test::Broker> m_broker;
    std::unique_ptr<Subscriber> m_sub;
    std::unique_ptr<Esp32CameraServer> m_yardServer, m_gateServer;
    std::unique_ptr<Pipeline> m_pipeline;

    QByteArray yard(int personX = -10000)
    {
        JpegEncoder enc;
        return enc.encodeBgr(test::withSprite(m_yard, m_person, personX, 250), 85);
    }
    Camera* cam(const char* id) const { return m_pipeline->camera(id); }
    static QJsonObject json(const QByteArray& bytes) { return QJsonDocument::fromJson(bytes).object(); }
    QList<QJsonObject> events(const QString& type) const
    {
        QList<QJsonObject> out;
        for (const test::Received& r : m_sub->on("vigil/events"))
            if (json(r.payload)["type"].toString() == type)
                out << json(r.payload);
        return out;
    }

private slots:
    void initTestCase()
    {
        if (!test::haveMosquitto())
            QSKIP("/usr/sbin/mosquitto is not installed (apt install mosquitto)");
        m_model = test::modelsDir() + "/yolox_nano_coco80_416_fp32.onnx";
        m_person = test::personSprite(190);
        if (!QFile::exists(m_model) || m_person.empty())
            QSKIP(qPrintable("shared models or photos absent (looked in " + test::modelsDir() + "; set VIGIL_MODELS_DIR)"));
        m_yard = test::yardBackground();

        // Sessions survive the broker's restart: the subscriber misses nothing Vigil sends before it
        // is back (states changed during the outage still prove that Vigil sends them again).
        m_broker = std::make_unique<test::Broker>();
        m_broker->setPersistent(true);
        QVERIFY(m_broker->start());
        m_sub = std::make_unique<Subscriber>(m_broker->port(), QStringList{"#"}, "tst-mqtt-pipeline");
        m_yardServer = std::make_unique<Esp32CameraServer>();
        m_yardServer->setFrames({yard()});
        QVERIFY(m_yardServer->listen());
        m_gateServer = std::make_unique<Esp32CameraServer>();
        m_gateServer->setFrames({yard()});
        QVERIFY(m_gateServer->listen());

        AppSettings settings;
        settings.events.folder = m_dir.filePath("events");
        settings.events.clips = false;
        CameraConfig y = test::quickCameraConfig("yard", m_yardServer->url());
        y.name = "Back yard";
        y.maxFps = 5;
        y.detect = DetectMode::Always;
        y.detector.modelPath = m_model;
        y.events.labels = {"person", "traffic light"};
        settings.cameras << y;
        CameraConfig g = test::quickCameraConfig("gate", m_gateServer->url());  // no detection
        g.maxFps = 10;
        settings.cameras << g;
        settings.rebroadcastEnabled = true;
        settings.rebroadcastPort = 0;
        settings.mqtt.enabled = true;
        settings.mqtt.host = "127.0.0.1";
        settings.mqtt.port = m_broker->port();
        settings.mqtt.motionQuietS = 2;
        settings.mqtt.statsIntervalS = 1;
        m_pipeline = std::make_unique<Pipeline>(settings);
        m_pipeline->start();
        QVERIFY2(m_pipeline->startProblems().isEmpty(), qPrintable(m_pipeline->startProblems().join("; ")));
        QVERIFY(m_pipeline->mqtt());
    }

    void cleanupTestCase()
    {
        if (!m_pipeline)
            return;
        m_pipeline->shutdown();
        // A clean exit says offline; the retained camera topics stay.
        QVERIFY(m_sub->waitFor("vigil/available", "offline"));
    }

    void connectsAndAnnouncesEverything()
    {
        QVERIFY(m_sub->waitFor("vigil/available", "online"));
        QCOMPARE(m_pipeline->mqttStatus().state, MqttState::Connected);
        QVERIFY(m_sub->waitFor("vigil/yard/status", "live"));
        QVERIFY(m_sub->waitFor("vigil/yard/motion", "OFF"));
        QVERIFY(m_sub->waitFor("vigil/yard/person", "0"));
        QVERIFY(m_sub->waitFor("vigil/yard/traffic_light", "0"));   // labels with spaces: '_'
        QVERIFY(m_sub->waitFor("vigil/yard/all", "0"));
        QVERIFY(m_sub->waitFor("vigil/yard/detect/state", "ON"));
        QVERIFY(m_sub->waitFor("vigil/gate/detect/state", "OFF"));
        QVERIFY(m_sub->waitFor("vigil/gate/fps/state", "10"));
        QVERIFY(m_sub->waitFor("vigil/gate/skip_frames/state", "1"));
        // Discovery: valid JSON with the keys Home Assistant needs.
        const QByteArray motion = m_sub->latest("homeassistant/binary_sensor/vigil_yard/motion/config");
        const QJsonObject c = json(motion);
        QVERIFY2(!c.isEmpty(), motion.constData());
        QCOMPARE(c["unique_id"].toString(), QStringLiteral("vigil_yard_motion"));
        QCOMPARE(c["state_topic"].toString(), QStringLiteral("vigil/yard/motion"));
        QCOMPARE(c["device"].toObject()["name"].toString(), QStringLiteral("Back yard"));
        for (const char* topic : {"homeassistant/binary_sensor/vigil_yard/person_occupancy/config",
                                  "homeassistant/image/vigil_yard/person_snapshot/config",
                                  "homeassistant/switch/vigil_gate/detection/config",
                                  "homeassistant/number/vigil_gate/fps/config",
                                  "homeassistant/sensor/vigil_gate/output_fps/config",
                                  "homeassistant/binary_sensor/vigil/available/config"})
            QVERIFY2(!json(m_sub->latest(topic)).value("unique_id").toString().isEmpty(), topic);
        // Stats, on P/stats and /api/stats alike.
        QVERIFY(Subscriber::waitUntil([&] { return m_sub->count("vigil/stats") > 0; }, 5000));
        const QJsonObject stats = json(m_sub->latest("vigil/stats"));
        QCOMPARE(stats["cameras"].toArray().size(), 2);
        QVERIFY(stats["mqtt"].toObject().contains("queued"));
        QNetworkAccessManager nam;
        QUrl url = m_pipeline->rebroadcastUrl().resolved(QUrl("/api/stats"));
        std::unique_ptr<QNetworkReply> reply(nam.get(QNetworkRequest(url)));
        QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), 10000);
        const QJsonObject api = json(reply->readAll());
        QCOMPARE(api["cameras"].toArray().size(), 2);
        QCOMPARE(api["mqtt"].toObject()["state"].toString(), QStringLiteral("connected"));
        QVERIFY(json(m_sub->latest("vigil/gate/stats")).contains("out_fps"));
    }

    void outageQueuesAndCostsTheCamerasNothing()
    {
        QTRY_VERIFY_WITH_TIMEOUT(cam("yard")->stats().inferences >= 1, 30000);
        QTRY_VERIFY_WITH_TIMEOUT(cam("gate")->stats().outFps > 5, 10000);
        m_sub->clear();
        m_broker->stop();
        QTRY_COMPARE_WITH_TIMEOUT(m_pipeline->mqttStatus().state, MqttState::Reconnecting, 5000);
        QVERIFY(!m_pipeline->mqttStatus().reason.isEmpty());
        // A person appears while the broker is away; their event waits in the queue.
        m_yardServer->setFrames({yard(280)});
        QElapsedTimer outage;
        outage.start();
        double minFps = 1e9;
        while (outage.elapsed() < 10'000) {
            QTest::qWait(250);
            if (outage.elapsed() > 1000)
                minFps = qMin(minFps, cam("gate")->stats().outFps);
        }
        QVERIFY2(m_pipeline->events()->counts("yard").events >= 1, "no event while the broker was down");
        const MqttStatus down = m_pipeline->mqttStatus();
        QCOMPARE(down.state, MqttState::Reconnecting);
        QVERIFY2(down.queued >= 1, qPrintable(QString::number(down.queued)));
        QCOMPARE(down.dropped, quint64(0));
        QVERIFY2(minFps >= 7, qPrintable(QStringLiteral("gate output fell to %1 fps").arg(minFps)));

        QVERIFY(m_broker->start(m_broker->port()));   // same port
        QVERIFY(m_sub->waitFor("vigil/available", "online", 15000));
        QCOMPARE(m_pipeline->mqttStatus().state, MqttState::Connected);
        // The queued event arrived, with the documented fields; before == after on "new".
        QTRY_VERIFY_WITH_TIMEOUT(!events("new").isEmpty(), 5000);
        const QJsonObject created = events("new").first();
        QCOMPARE(created["before"], created["after"]);
        const QJsonObject e = created["after"].toObject();
        for (const char* key : {"id", "camera", "camera_name", "label", "start_time", "end_time", "top_score",
                                "zones", "box", "has_snapshot", "has_clip"})
            QVERIFY2(e.contains(key), key);
        QCOMPARE(e["camera"].toString(), QStringLiteral("yard"));
        QCOMPARE(e["label"].toString(), QStringLiteral("person"));
        // The states were sent again to the restarted broker: the newest of each.
        QVERIFY2(m_sub->waitFor("vigil/yard/person", "1"), m_sub->latest("vigil/yard/person").constData());
        QVERIFY(m_sub->waitFor("vigil/yard/all", "1"));
        // The person moved in 10 s ago and has stood still since: ON then OFF while away, only the
        // newest is sent.
        QVERIFY(m_sub->waitFor("vigil/yard/motion", "OFF"));
        QVERIFY(m_sub->waitFor("vigil/yard/status", "live"));
        QVERIFY(!m_sub->latest("homeassistant/switch/vigil_yard/detection/config").isEmpty());
        QVERIFY(Subscriber::waitUntil([&] { return m_sub->latest("vigil/yard/person/snapshot").startsWith("\xff\xd8"); }, 5000));
        QTRY_COMPARE_WITH_TIMEOUT(m_pipeline->mqttStatus().queued, 0, 5000);
    }

    void commandsChangeTheRunningCamera()
    {
        auto command = [&](const char* name, const QByteArray& payload) {
            m_sub->publish(QStringLiteral("vigil/gate/%1/set").arg(name), payload);
        };
        command("detect", "ON");   // configured off: ON means motion
        QVERIFY(m_sub->waitFor("vigil/gate/detect/state", "ON"));
        QCOMPARE(cam("gate")->config().detect, DetectMode::Motion);
        command("detect", "OFF");
        QVERIFY(m_sub->waitFor("vigil/gate/detect/state", "OFF"));
        QCOMPARE(cam("gate")->config().detect, DetectMode::Off);
        command("fps", "3");
        QVERIFY(m_sub->waitFor("vigil/gate/fps/state", "3"));
        QCOMPARE(cam("gate")->config().maxFps, 3.0);
        command("skip_frames", "2");
        QVERIFY(m_sub->waitFor("vigil/gate/skip_frames/state", "2"));
        QCOMPARE(cam("gate")->config().skipFrames, 2);
        // Invalid: nothing changes, nothing is echoed.
        const int echoes = m_sub->count("vigil/gate/fps/state");
        command("fps", "fast");
        command("skip_frames", "-4");
        command("detect", "maybe");
        command("fps", "4");   // a valid one after them, so we know they were handled
        QVERIFY(m_sub->waitFor("vigil/gate/fps/state", "4"));
        QCOMPARE(m_sub->count("vigil/gate/fps/state"), echoes + 1);
        QCOMPARE(cam("gate")->config().skipFrames, 2);
        QCOMPARE(cam("gate")->config().detect, DetectMode::Off);
        // A snapshot now.
        command("snapshot", "PRESS");
        QVERIFY(Subscriber::waitUntil([&] { return m_sub->latest("vigil/gate/snapshot").startsWith("\xff\xd8"); }, 5000));
        QVERIFY(m_sub->count("vigil/gate/snapshot/state") >= 1);
        // The yard camera's detection: OFF, then back ON in its configured mode (always).
        m_sub->publish("vigil/yard/detect/set", "OFF");
        QTRY_COMPARE_WITH_TIMEOUT(cam("yard")->config().detect, DetectMode::Off, 5000);
        m_sub->publish("vigil/yard/detect/set", "ON");
        QTRY_COMPARE_WITH_TIMEOUT(cam("yard")->config().detect, DetectMode::Always, 5000);
        QVERIFY(m_sub->waitFor("vigil/yard/detect/state", "ON"));
    }

    void homeAssistantRestartRepublishes()
    {
        const QString topic = "homeassistant/switch/vigil_gate/detection/config";
        const int before = m_sub->count(topic);
        m_sub->publish("homeassistant/status", "online");
        QVERIFY(Subscriber::waitUntil([&] { return m_sub->count(topic) > before; }, 5000));
        QVERIFY(!json(m_sub->latest(topic)).isEmpty());
    }

    void eventEndsCountsAndMotionGoDown()
    {
        m_yardServer->setFrames({yard()});   // gone: that moved
        QVERIFY(m_sub->waitFor("vigil/yard/motion", "ON", 5000));
        QTRY_VERIFY_WITH_TIMEOUT(!events("end").isEmpty(), 30000);
        const QJsonObject ended = events("end").first();
        QCOMPARE(ended["before"].toObject()["id"], ended["after"].toObject()["id"]);
        QVERIFY(!ended["after"].toObject()["end_time"].isNull());
        QVERIFY(m_sub->waitFor("vigil/yard/person", "0"));
        QVERIFY(m_sub->waitFor("vigil/yard/all", "0"));
        QVERIFY(m_sub->waitFor("vigil/yard/motion", "OFF", 10000));
    }

    void removedCameraIsCleared()
    {
        QStringList configs;
        for (const test::Received& r : m_sub->messages())
            if (r.topic.startsWith("homeassistant/") && r.topic.contains("/vigil_gate/") && !configs.contains(r.topic))
                configs << r.topic;
        QVERIFY(configs.size() >= 8);
        QVERIFY(m_pipeline->removeCamera("gate"));
        for (const QString& topic : std::as_const(configs))
            QVERIFY2(m_sub->waitFor(topic, ""), qPrintable(topic));
        QVERIFY(m_sub->waitFor("vigil/gate/status", ""));
        QVERIFY(m_sub->waitFor("vigil/gate/fps/state", ""));
        // A newcomer sees nothing retained of it; the yard camera is still there.
        Subscriber late(m_broker->port(), {"vigil/#", "homeassistant/#"});
        QVERIFY(late.waitFor("vigil/yard/status", "live"));
        QTest::qWait(300);
        for (const test::Received& r : late.messages())
            QVERIFY2(!r.topic.contains("gate"), qPrintable(r.topic));
    }
};

QTEST_GUILESS_MAIN(TestMqttPipeline)
#include "tst_mqtt_pipeline.moc"
