// The command line: parsing, and the real `vigil --headless` process end to end.
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include "pipeline/camera.h"
#include "cli_options.h"
#include "processing/processing_scheduler.h"
#include "demo/esp32_camera_server.h"

using namespace vigil;

class TestCli : public QObject {
    Q_OBJECT
private slots:
    void camerasGetIdsInOrder()
    {
        const CliParseResult r = parseCommandLine(
            {"vigil", "--headless", "--camera", "http://a/stream", "--camera", "garage=http://b:81/stream",
             "--camera", "http://c/?x=1", "--skip-frames", "3", "--fps", "7.5"});
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        QCOMPARE(r.options.overrides.cameras.size(), 3);
        QCOMPARE(r.options.overrides.cameras[0].id, QStringLiteral("cam1"));
        QCOMPARE(r.options.overrides.cameras[1].id, QStringLiteral("garage"));
        QCOMPARE(r.options.overrides.cameras[1].url, QUrl("http://b:81/stream"));
        QCOMPARE(r.options.overrides.cameras[2].id, QStringLiteral("cam3"));
        QCOMPARE(r.options.overrides.cameras[2].url.query(), QStringLiteral("x=1"));
        QCOMPARE(r.options.overrides.skipFrames, 3);
        for (const CameraConfig& c : r.options.overrides.cameras) {
            // The Pipeline applies the overrides, in one place.
            const CameraConfig applied = applyOverrides(c, r.options.overrides);
            QCOMPARE(applied.skipFrames, 3);
            QCOMPARE(applied.maxFps, 7.5);
        }
    }

    void detectorOptions()
    {
        const CliParseResult r = parseCommandLine({"vigil", "--headless", "--demo", "--model", "/m/x.onnx",
                                                   "--conf", "0.4", "--nms", "0.5", "--classes", "person, car"});
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        QCOMPARE(r.options.overrides.detector.modelPath, QStringLiteral("/m/x.onnx"));
        QCOMPARE(r.options.overrides.detector.confThreshold, 0.4f);
        QCOMPARE(r.options.overrides.detector.classFilter, (QStringList{"person", "car"}));
    }

    void motionOptions()
    {
        const CliParseResult r = parseCommandLine({"vigil", "--headless", "--demo", "--detect", "Always",
                                                   "--motion-threshold", "40", "--motion-min-area", "0.5",
                                                   "--heartbeat", "12"});
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        CameraConfig c;
        QCOMPARE(c.detect, DetectMode::Motion);  // the default
        c = applyOverrides(c, r.options.overrides);
        QCOMPARE(c.detect, DetectMode::Always);
        QCOMPARE(c.motion.threshold, 40);
        QCOMPARE(c.motion.minAreaPct, 0.5);
        QCOMPARE(c.heartbeatS, 12);
        // --no-detect still means off, whatever --detect says.
        const CliParseResult off = parseCommandLine({"vigil", "--headless", "--demo", "--detect", "motion", "--no-detect"});
        QCOMPARE(applyOverrides(CameraConfig{}, off.options.overrides).detect, DetectMode::Off);
        // Nothing given: the camera's own settings stay.
        CameraConfig own;
        own.detect = DetectMode::Always;
        own.motion.threshold = 60;
        const CliParseResult none = parseCommandLine({"vigil", "--headless", "--demo"});
        const CameraConfig kept = applyOverrides(own, none.options.overrides);
        QCOMPARE(kept.detect, DetectMode::Always);
        QCOMPARE(kept.motion.threshold, 60);
        QCOMPARE(kept.heartbeatS, 30);
    }

    void invalidArguments_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("expected");
        QTest::newRow("skip zero") << QStringList{"--headless", "--demo", "--skip-frames", "0"} << "--skip-frames";
        QTest::newRow("skip fraction") << QStringList{"--headless", "--demo", "--skip-frames", "1.5"} << "whole number";
        QTest::newRow("fps text") << QStringList{"--headless", "--demo", "--fps", "fast"} << "--fps";
        QTest::newRow("bad scheme") << QStringList{"--headless", "--camera", "rtsp://x/y"} << "http";
        QTest::newRow("unknown option") << QStringList{"--headless", "--frobnicate"} << "frobnicate";
        QTest::newRow("no camera") << QStringList{"--headless"} << "--config FILE";
        QTest::newRow("duplicate id") << QStringList{"--headless", "--camera", "a=http://x/", "--camera", "a=http://y/"} << "two cameras";
        QTest::newRow("detect mode") << QStringList{"--headless", "--demo", "--detect", "sometimes"} << "always, motion or off";
        QTest::newRow("motion threshold") << QStringList{"--headless", "--demo", "--motion-threshold", "0"} << "--motion-threshold";
        QTest::newRow("motion area") << QStringList{"--headless", "--demo", "--motion-min-area", "101"} << "--motion-min-area";
        QTest::newRow("heartbeat") << QStringList{"--headless", "--demo", "--heartbeat", "0"} << "--heartbeat";
        QTest::newRow("stray argument") << QStringList{"--headless", "--demo", "http://x/"} << "unexpected";
    }
    void invalidArguments()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, expected);
        args.prepend("vigil");
        const CliParseResult r = parseCommandLine(args);
        QVERIFY2(r.error.contains(expected), qPrintable(r.error));
    }

    void headlessProcessReportsStatsJson()
    {
        Esp32CameraServer server;
        QVERIFY(server.listen());
        QProcess p;
        p.start(QStringLiteral(VIGIL_BINARY),
                {"--headless", "--camera", "yard=" + server.url().toString(), "--camera",
                 "http://127.0.0.1:1/nothing", "--skip-frames", "2", "--fps", "10", "--no-detect",
                 "--duration", "3.5", "--stats-json"});
        QVERIFY(p.waitForStarted());
        // The server lives in this thread: keep its event loop running while vigil streams.
        QTRY_VERIFY_WITH_TIMEOUT(p.state() == QProcess::NotRunning, 20000);
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 0);
        const QList<QByteArray> lines = p.readAllStandardOutput().split('\n');
        const QByteArray err = p.readAllStandardError();
        QVERIFY2(err.contains("[yard] Detection: off (processing every 2 frames, max 10 FPS)"), err.constData());
        QJsonObject lastYard, lastCam2;
        for (const QByteArray& line : lines) {
            if (line.isEmpty())
                continue;
            QJsonParseError e;
            const QJsonObject o = QJsonDocument::fromJson(line, &e).object();
            QVERIFY2(e.error == QJsonParseError::NoError, line.constData());
            for (const char* key : {"camera", "url", "state", "reason", "read", "read_fps", "processed", "out_fps",
                                    "skipped_stride", "dropped_throttle", "superseded", "decode_errors",
                                    "reconnects", "decode_ms", "latency_ms_p50", "latency_ms_p99", "infer_ms",
                                    "detector", "detections", "motion", "motion_pct", "motion_ms",
                                    "inferences", "infer_fps", "gated_no_motion"})
                QVERIFY2(o.contains(QLatin1String(key)), key);
            (o["camera"].toString() == "yard" ? lastYard : lastCam2) = o;
        }
        QCOMPARE(lastYard["state"].toString(), QStringLiteral("live"));
        QVERIFY(lastYard["read"].toInt() >= 40);
        QVERIFY(lastYard["processed"].toInt() >= 15);
        QVERIFY(lastYard["skipped_stride"].toInt() >= 20);
        // Motion is analysed in every mode; with detection off nothing is inferred or gated.
        QVERIFY(lastYard["motion_ms"].toDouble() > 0);
        QCOMPARE(lastYard["inferences"].toInt(), 0);
        QCOMPARE(lastYard["gated_no_motion"].toInt(), 0);
        QCOMPARE(lastCam2["camera"].toString(), QStringLiteral("cam2"));
        QCOMPARE(lastCam2["state"].toString(), QStringLiteral("error"));
        QVERIFY(lastCam2["reason"].toString().contains("refused"));
    }

    void secretsNeverLeaveThroughHeadlessOutputs()
    {
        // A camera URL full of secrets: user info and secret query values. None may appear on
        // stderr, in --stats-json, /api/cameras or /api/stats; nor in the invalid-URL error.
        const QByteArray secrets[] = {"s3cretpw", "usrval", "pwdval", "keyval", "tokval", "wstok3n"};
        Esp32CameraServer server;
        QVERIFY(server.listen());
        QUrl url = server.url();
        url.setUserName("admin");
        url.setPassword("s3cretpw");
        url.setQuery("usr=usrval&passwd=pwdval&apikey=keyval&token=tokval&size=vga");
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        const quint16 port = probe.serverPort();
        probe.close();
        QProcess p;
        p.start(QStringLiteral(VIGIL_BINARY),
                {"--headless", "--camera", "door=" + url.toString(), "--camera",
                 "http://bob:s3cretpw@127.0.0.1:1/x?token=tokval", "--no-detect", "--stats-json",
                 "--ws-port", QString::number(port), "--ws-token", "wstok3n", "--duration", "20"});
        QVERIFY(p.waitForStarted());
        QByteArray err, out;
        QTRY_VERIFY_WITH_TIMEOUT((err += p.readAllStandardError()).contains("Rebroadcasting on"), 10000);
        QTRY_VERIFY_WITH_TIMEOUT((out += p.readAllStandardOutput()).contains("\"live\""), 10000);
        QByteArray api;
        QNetworkAccessManager nam;
        for (const char* path : {"/api/cameras", "/api/stats"}) {
            QNetworkRequest req(QUrl(QStringLiteral("http://127.0.0.1:%1%2?token=wstok3n").arg(port).arg(path)));
            QNetworkReply* reply = nam.get(req);
            QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), 5000);
            const QByteArray body = reply->readAll();
            QVERIFY2(body.contains("door"), body.constData());
            api += body;
            reply->deleteLater();
        }
        p.terminate();  // SIGTERM: a clean exit through the event loop
        QTRY_VERIFY_WITH_TIMEOUT(p.state() == QProcess::NotRunning, 15000);
        err += p.readAllStandardError();
        out += p.readAllStandardOutput();
        QCOMPARE(p.exitCode(), 0);
        for (const QByteArray& secret : secrets) {
            QVERIFY2(!err.contains(secret), (secret + " on stderr:\n" + err).constData());
            QVERIFY2(!out.contains(secret), (secret + " in --stats-json").constData());
            QVERIFY2(!api.contains(secret), (secret + " in /api: " + api).constData());
        }
        QVERIFY2(err.contains("token=***"), err.constData());  // the start-up URL, masked

        // Each camera event is printed once (not again by the reader's own log line).
        const QList<QByteArray> lines = err.split('\n');
        int refusals = 0;
        for (const QByteArray& line : lines)
            refusals += line.contains("cam2") && line.contains("refused") ? 1 : 0;
        QVERIFY2(refusals >= 1, err.constData());
        QVERIFY2(!err.contains("vigil.reader: [cam2]"), err.constData());

        // The invalid-URL error names the problem, not the password.
        QString error;
        cameraFromArgument("ftp://bob:s3cretpw@host/x?apikey=keyval", 1, &error);
        QVERIFY(!error.isEmpty());
        QVERIFY2(!error.contains("s3cretpw") && !error.contains("keyval"), qPrintable(error));
    }

    void headlessProcessFeedsAnotherVigil()
    {
        // Headless Vigil rebroadcasts its demo camera; a Camera here reads the MJPEG restream.
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        const quint16 port = probe.serverPort();
        probe.close();
        QProcess p;
        p.start(QStringLiteral(VIGIL_BINARY), {"--headless", "--demo", "--no-detect", "--ws-port",
                                               QString::number(port), "--duration", "20"});
        QVERIFY(p.waitForStarted());
        QByteArray err;
        QTRY_VERIFY_WITH_TIMEOUT((err += p.readAllStandardError()).contains("Rebroadcasting on"), 10000);

        QNetworkAccessManager nam;
        QNetworkReply* api = nam.get(QNetworkRequest(QUrl(QStringLiteral("http://127.0.0.1:%1/api/cameras").arg(port))));
        QTRY_VERIFY_WITH_TIMEOUT(api->isFinished(), 5000);
        QVERIFY2(api->readAll().contains("\"demo\""), "the demo camera is not listed");
        api->deleteLater();

        ProcessingScheduler scheduler(1);
        CameraConfig c;
        c.id = "relay";
        c.url = QUrl(QStringLiteral("http://127.0.0.1:%1/cameras/demo/stream.mjpeg").arg(port));
        c.detect = vigil::DetectMode::Off;
        c.skipFrames = 1;
        c.maxFps = 0;
        Camera relay(c, &scheduler);
        relay.start();
        QTRY_COMPARE_WITH_TIMEOUT(relay.state(), CameraState::Live, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(relay.stats().processed >= 20, 10000);
        QCOMPARE(relay.stats().decodeErrors, 0ull);
        relay.stop();
        p.terminate();  // SIGTERM: a clean exit
        QVERIFY(p.waitForFinished(10000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 0);
    }

    void headlessRunsTheCamerasOfAConfigFile()
    {
        Esp32CameraServer server;
        QVERIFY(server.listen());
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        const quint16 port = probe.serverPort();
        probe.close();
        // The file the desktop app writes: its cameras keep their own gate settings.
        const QJsonObject config{
            {"version", 1},
            {"cameras", QJsonArray{QJsonObject{{"id", "porch"}, {"name", "Porch"}, {"url", server.url().toString()},
                                               {"skip_frames", 3}, {"fps", 5}, {"detection", false}}}},
            {"rebroadcast", QJsonObject{{"enabled", true}, {"bind", "127.0.0.1"}, {"port", port}}}};
        QTemporaryDir dir;
        const QString path = dir.filePath("config.json");
        const QByteArray bytes = QJsonDocument(config).toJson();
        {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size());
        }
        QProcess p;
        p.start(QStringLiteral(VIGIL_BINARY), {"--headless", "--config", path, "--camera",
                                               "extra=" + server.url().toString(), "--no-detect",
                                               "--duration", "6", "--stats-json"});
        QVERIFY(p.waitForStarted());
        QByteArray err;
        QTRY_VERIFY_WITH_TIMEOUT((err += p.readAllStandardError()).contains("Rebroadcasting on"), 10000);
        QVERIFY2(err.contains(QStringLiteral("http://127.0.0.1:%1/").arg(port).toUtf8()), err.constData());

        QNetworkAccessManager nam;
        QNetworkReply* api = nam.get(QNetworkRequest(QUrl(QStringLiteral("http://127.0.0.1:%1/api/cameras").arg(port))));
        QTRY_VERIFY_WITH_TIMEOUT(api->isFinished(), 5000);
        const QByteArray listed = api->readAll();
        QVERIFY2(listed.contains("\"porch\"") && listed.contains("\"extra\""), listed.constData());
        api->deleteLater();

        QTRY_VERIFY_WITH_TIMEOUT(p.state() == QProcess::NotRunning, 20000);
        QCOMPARE(p.exitCode(), 0);
        QJsonObject porch;
        for (const QByteArray& line : p.readAllStandardOutput().split('\n')) {
            const QJsonObject o = QJsonDocument::fromJson(line).object();
            if (o["camera"].toString() == "porch")
                porch = o;
        }
        QCOMPARE(porch["state"].toString(), QStringLiteral("live"));
        QCOMPARE(porch["skip_frames"].toInt(), 3);
        QCOMPARE(porch["fps"].toDouble(), 5.0);
        QVERIFY(porch["processed"].toInt() > 5);
        // Read, never written.
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), bytes);
    }

    void headlessRefusesACorruptConfigAndLeavesItAlone()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("config.json");
        const QByteArray bytes = "{\"cameras\": [ {\"id\": \"x\", ";
        {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size());
        }
        QProcess p;
        p.start(QStringLiteral(VIGIL_BINARY), {"--headless", "--config", path});
        QVERIFY(p.waitForFinished(10000));
        QCOMPARE(p.exitCode(), 1);
        const QByteArray err = p.readAllStandardError();
        QVERIFY2(err.contains("not valid JSON"), err.constData());
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{"config.json"});  // no backup, no rewrite
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), bytes);

        p.start(QStringLiteral(VIGIL_BINARY), {"--headless", "--config", dir.filePath("missing.json")});
        QVERIFY(p.waitForFinished(10000));
        QCOMPARE(p.exitCode(), 1);
        QVERIFY(p.readAllStandardError().contains("not found"));
    }

    void helpAndVersionNeedNoDisplay()
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove("DISPLAY");
        env.remove("WAYLAND_DISPLAY");
        env.insert("QT_QPA_PLATFORM", "xcb");  // a window would fail here
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(VIGIL_BINARY), {"--version"});
        QVERIFY(p.waitForFinished(10000));
        QCOMPARE(p.exitCode(), 0);
        QCOMPARE(p.readAllStandardOutput().trimmed(), QByteArray("vigil " VIGIL_VERSION));
        p.start(QStringLiteral(VIGIL_BINARY), {"--help"});
        QVERIFY(p.waitForFinished(10000));
        QCOMPARE(p.exitCode(), 0);
        QVERIFY(p.readAllStandardOutput().contains("--headless"));
    }

    void headlessProcessRejectsBadArguments()
    {
        QProcess p;
        p.start(QStringLiteral(VIGIL_BINARY), {"--headless", "--camera", "not a url"});
        QVERIFY(p.waitForFinished(10000));
        QCOMPARE(p.exitCode(), 2);
        QVERIFY(p.readAllStandardError().contains("vigil:"));
    }
};

QTEST_MAIN(TestCli)
#include "tst_cli.moc"
