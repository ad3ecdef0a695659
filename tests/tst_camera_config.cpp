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
        c.detectionEnabled = false;
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
