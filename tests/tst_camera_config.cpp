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
        QString error;
        const CameraConfig back = CameraConfig::fromJson(c.toJson(), &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(back, c);
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
    }
    void errorsNameTheKey()
    {
        QFETCH(QJsonObject, json);
        QFETCH(QString, expected);
        QString error;
        CameraConfig::fromJson(json, &error);
        QVERIFY2(error.contains(expected), qPrintable(error));
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
