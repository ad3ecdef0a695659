// Camera configuration: JSON round trip and clear errors for bad values.
#include <QJsonArray>
#include <QTest>

#include "config/camera_config.h"

using namespace vigil;

class TestCameraConfig : public QObject {
    Q_OBJECT
private slots:
    void roundTrip()
    {
        CameraConfig c;
        c.id = "garage";
        c.name = "Garage door";
        c.url = QUrl("https://cam.local:8443/stream");
        c.user = "admin";
        c.password = "pw";
        c.skipFrames = 5;
        c.maxFps = 2.5;
        c.detect = vigil::DetectMode::Off;
        c.detector.modelPath = "/m/yolox.onnx";
        c.detector.confThreshold = 0.4f;
        c.detector.classFilter = QStringList{"person", "car"};
        QStringList errors;
        const CameraConfig back = CameraConfig::fromJson(c.toJson(), &errors);
        QVERIFY2(errors.isEmpty(), qPrintable(errors.join("; ")));
        QCOMPARE(back, c);
        QVERIFY(back.isUsable());
    }

    void errorsNameTheKey_data()
    {
        QTest::addColumn<QJsonObject>("json");
        QTest::addColumn<QString>("expected");
        const QJsonObject ok{{"id", "a"}, {"url", "http://h/s"}};
        auto with = [&](const char* k, const QJsonValue& v) {
            QJsonObject o = ok;
            o.insert(k, v);
            return o;
        };
        QTest::newRow("skip string") << with("skip_frames", "two") << "skip_frames";
        QTest::newRow("skip zero") << with("skip_frames", 0) << "skip_frames";
        QTest::newRow("conf > 1") << with("confidence", 3) << "confidence";
        QTest::newRow("bad scheme") << with("url", "rtsp://h/s") << "url";
        QTest::newRow("no host") << with("url", "http:///s") << "url";
        QTest::newRow("classes not list") << with("classes", 5) << "classes";
        QTest::newRow("no id") << QJsonObject{{"url", "http://h/s"}} << "id";
        QTest::newRow("no url") << QJsonObject{{"id", "a"}} << "url";
        QTest::newRow("skip not whole") << with("skip_frames", 2.5) << "skip_frames";
        QTest::newRow("detect unknown") << with("detect", "sometimes") << "detect";
        QTest::newRow("detect not text") << with("detect", true) << "detect";
        QTest::newRow("detection not bool") << with("detection", "no") << "detection";
        QTest::newRow("threshold 0") << with("motion_threshold", 0) << "motion_threshold";
        QTest::newRow("threshold 256") << with("motion_threshold", 256) << "motion_threshold";
        QTest::newRow("threshold not whole") << with("motion_threshold", 12.5) << "motion_threshold";
        QTest::newRow("min area negative") << with("motion_min_area", -1) << "motion_min_area";
        QTest::newRow("min area > 100") << with("motion_min_area", 101) << "motion_min_area";
        QTest::newRow("heartbeat 0") << with("heartbeat_s", 0) << "heartbeat_s";
        QTest::newRow("heartbeat text") << with("heartbeat_s", "30") << "heartbeat_s";
        QTest::newRow("masks not a list") << with("motion_masks", 5) << "motion_masks";
        // append(), not nested braces: a one-element QJsonArray{QJsonArray{...}} is a copy to some compilers.
        QJsonArray oneBadMask;
        oneBadMask.append(QJsonArray{QJsonArray{0, 0}, QJsonArray{1, 1}});
        QTest::newRow("mask of 2 points") << with("motion_masks", oneBadMask) << "motion_masks";
    }
    void errorsNameTheKey()
    {
        QFETCH(QJsonObject, json);
        QFETCH(QString, expected);
        QStringList errors;
        CameraConfig::fromJson(json, &errors, "camera \"a\": ");
        QCOMPARE(errors.size(), 1);
        QVERIFY2(errors.first().startsWith("camera \"a\": \"" + expected + "\": "), qPrintable(errors.first()));
    }

    void badValueKeepsTheRest()
    {
        // One bad key is reported and defaulted; the camera and its other settings still load.
        const QJsonObject json{{"id", "garage"}, {"url", "http://h/s"}, {"fps", "fast"},
                               {"skip_frames", 4}, {"jpeg_quality", 500}};
        QStringList errors;
        const CameraConfig c = CameraConfig::fromJson(json, &errors);
        QCOMPARE(errors.size(), 2);
        QVERIFY(errors[0].contains("\"fps\": expected a number"));
        QVERIFY(errors[1].contains("\"jpeg_quality\": 500 is out of range"));
        QVERIFY(c.isUsable());
        QCOMPARE(c.skipFrames, 4);
        QCOMPARE(c.maxFps, CameraConfig().maxFps);
        QCOMPARE(c.jpegQuality, CameraConfig().jpegQuality);
    }

    void motionSettingsRoundTrip()
    {
        CameraConfig c;
        c.id = "yard";
        c.url = QUrl("http://cam.local/stream");
        c.detect = DetectMode::Always;
        c.motion.threshold = 40;
        c.motion.minAreaPct = 0.25;
        c.heartbeatS = 12;
        c.motion.masks = {RelativePolygon{QList<QPointF>{{0, 0}, {0.5, 0}, {0.5, 0.125}}},
                          RelativePolygon{QList<QPointF>{{0.6, 0.6}, {1, 0.6}, {1, 1}, {0.6, 1}}}};
        const QJsonObject json = c.toJson();
        QCOMPARE(json.value("detect").toString(), QStringLiteral("always"));
        QCOMPARE(json.value("motion_threshold").toInt(), 40);
        QCOMPARE(json.value("heartbeat_s").toInt(), 12);
        QCOMPARE(json.value("motion_masks").toArray().size(), 2);
        QCOMPARE(json.value("motion_masks").toArray().at(1).toArray().size(), 4);
        QStringList errors;
        const CameraConfig back = CameraConfig::fromJson(json, &errors);
        QVERIFY2(errors.isEmpty(), qPrintable(errors.join("; ")));
        QCOMPARE(back.detect, DetectMode::Always);
        QCOMPARE(back.motion, c.motion);
        QCOMPARE(back.heartbeatS, 12);
        QCOMPARE(back, c);
        // Each mode survives the trip.
        for (DetectMode mode : {DetectMode::Always, DetectMode::Motion, DetectMode::Off}) {
            c.detect = mode;
            QCOMPARE(CameraConfig::fromJson(c.toJson()).detect, mode);
        }
    }

    void detectModeAndTheOldKey_data()
    {
        QTest::addColumn<QJsonObject>("extra");
        QTest::addColumn<int>("expected");
        QTest::newRow("default") << QJsonObject{} << int(DetectMode::Motion);
        QTest::newRow("old detection false") << QJsonObject{{"detection", false}} << int(DetectMode::Off);
        QTest::newRow("old detection true") << QJsonObject{{"detection", true}} << int(DetectMode::Motion);
        QTest::newRow("always") << QJsonObject{{"detect", "always"}} << int(DetectMode::Always);
        QTest::newRow("off, any case") << QJsonObject{{"detect", "OFF"}} << int(DetectMode::Off);
        QTest::newRow("detect wins over detection")
            << QJsonObject{{"detection", false}, {"detect", "always"}} << int(DetectMode::Always);
    }
    void detectModeAndTheOldKey()
    {
        QFETCH(QJsonObject, extra);
        QFETCH(int, expected);
        QJsonObject json{{"id", "a"}, {"url", "http://h/s"}};
        for (auto it = extra.begin(); it != extra.end(); ++it)
            json.insert(it.key(), it.value());
        QStringList errors;
        const CameraConfig c = CameraConfig::fromJson(json, &errors);
        QVERIFY2(errors.isEmpty(), qPrintable(errors.join("; ")));
        QCOMPARE(int(c.detect), expected);
        QCOMPARE(c.detects(), expected != int(DetectMode::Off));
    }

    void badDetectKeepsTheRest()
    {
        const QJsonObject json{{"id", "garage"}, {"url", "http://h/s"}, {"detect", "sometimes"},
                               {"fps", 4}, {"motion_threshold", 30}, {"heartbeat_s", 60}};
        QStringList errors;
        const CameraConfig c = CameraConfig::fromJson(json, &errors, "camera #1 \"garage\": ");
        QCOMPARE(errors.size(), 1);
        QVERIFY2(errors[0].startsWith("camera #1 \"garage\": \"detect\": "), qPrintable(errors[0]));
        QVERIFY2(errors[0].contains("sometimes"), qPrintable(errors[0]));
        QCOMPARE(c.detect, DetectMode::Motion);  // the default
        QVERIFY(c.isUsable());
        QCOMPARE(c.maxFps, 4.0);
        QCOMPARE(c.motion.threshold, 30);
        QCOMPARE(c.heartbeatS, 60);
    }

    void malformedMasksAreNamedAndTheValidOnesLoad()
    {
        const QJsonArray good1{QJsonArray{0.1, 0.1}, QJsonArray{0.3, 0.1}, QJsonArray{0.2, 0.4}};
        const QJsonArray good2{QJsonArray{0.5, 0.5}, QJsonArray{0.9, 0.5}, QJsonArray{0.9, 0.9}, QJsonArray{0.5, 0.9}};
        const QJsonArray twoPoints{QJsonArray{0.1, 0.1}, QJsonArray{0.2, 0.2}};
        const QJsonArray outside{QJsonArray{0.1, 0.1}, QJsonArray{1.5, 0.1}, QJsonArray{0.2, 0.4}};
        const QJsonArray notXy{QJsonArray{0.1, 0.1}, QJsonArray{0.3}, QJsonArray{0.2, 0.4}};
        const QJsonArray text{QJsonArray{0.1, 0.1}, "0.3,0.1", QJsonArray{0.2, 0.4}};
        const QJsonObject json{{"id", "garage"}, {"url", "http://h/s"}, {"motion_threshold", 33},
                               {"motion_masks", QJsonArray{good1, twoPoints, outside, good2, notXy, text}}};
        QStringList errors;
        const CameraConfig c = CameraConfig::fromJson(json, &errors, "camera #2 \"garage\": ");
        QCOMPARE(errors.size(), 4);
        for (const QString& e : std::as_const(errors))
            QVERIFY2(e.startsWith("camera #2 \"garage\": \"motion_masks\": "), qPrintable(e));
        QVERIFY2(errors[0].contains("polygon 2") && errors[0].contains("2 points"), qPrintable(errors[0]));
        QVERIFY2(errors[1].contains("polygon 3") && errors[1].contains("0..1"), qPrintable(errors[1]));
        QVERIFY2(errors[2].contains("polygon 5") && errors[2].contains("[x, y]"), qPrintable(errors[2]));
        QVERIFY2(errors[3].contains("polygon 6") && errors[3].contains("[x, y]"), qPrintable(errors[3]));
        QCOMPARE(c.motion.masks.size(), 2);
        QCOMPARE(c.motion.masks[0].size(), 3);
        QCOMPARE(c.motion.masks[0][1], QPointF(0.3, 0.1));
        QCOMPARE(c.motion.masks[1].size(), 4);
        QCOMPARE(c.motion.threshold, 33);
        QVERIFY(c.isUsable());
    }

    void badUrlIsNotUsable()
    {
        QStringList errors;
        QVERIFY(!CameraConfig::fromJson({{"id", "a"}, {"url", "rtsp://h/"}}, &errors).isUsable());
        QVERIFY(!CameraConfig::fromJson({{"url", "http://h/"}}, &errors).isUsable());
    }

    void invalidUrlErrorHidesThePassword()
    {
        // QUrl's own error text quotes the whole URL.
        for (const QString& url : {QStringLiteral("http://admin:hunter2@cam.local:99999/stream"),
                                   QStringLiteral("http://admin:hunter2@cam local/stream"),
                                   QStringLiteral("ftp://admin:hunter2@cam/stream?token=hunter2")}) {
            QStringList errors;
            CameraConfig::fromJson({{"id", "a"}, {"url", url}}, &errors);
            QVERIFY2(!errors.isEmpty(), qPrintable(url));
            QVERIFY2(!errors.join(' ').contains("hunter2"), qPrintable(errors.join(' ')));
        }
    }

    void validateUrl()
    {
        QVERIFY(CameraConfig::validateUrl(QUrl("http://192.168.4.1:81/stream")).isEmpty());
        QVERIFY(CameraConfig::validateUrl(QUrl("https://user:pw@cam/x")).isEmpty());
        QVERIFY(!CameraConfig::validateUrl(QUrl()).isEmpty());
        QVERIFY(CameraConfig::validateUrl(QUrl("file:///tmp/x")).contains("http"));
    }

    void presetsMatchTheField()
    {
        QCOMPARE(std::size(kGatePresets), size_t(4));
        QCOMPARE(kGatePresets[1].skipFrames, 2);
        QCOMPARE(kGatePresets[1].maxFps, 10.0);
        QCOMPARE(kGatePresets[3].skipFrames, 10);
        QCOMPARE(kGatePresets[3].maxFps, 1.0);
    }
};

QTEST_APPLESS_MAIN(TestCameraConfig)
#include "tst_camera_config.moc"
