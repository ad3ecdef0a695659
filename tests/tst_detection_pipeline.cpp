// Detection inside the live pipeline: a camera streaming a real photo gets annotated results with
// detections in source pixels; a bad or missing model is reported while video keeps flowing.
#include <QDir>
#include <QFile>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "pipeline/camera.h"
#include "processing/jpeg_codec.h"
#include "demo/esp32_camera_server.h"
#include "processing/processing_scheduler.h"
#include "test_util.h"

using namespace vigil;

namespace {
CameraConfig config(const QUrl& url, const QString& model)
{
    CameraConfig c;
    c.id = "yard";
    c.url = url;
    c.skipFrames = 1;
    c.maxFps = 5;
    c.detect = vigil::DetectMode::Always;
    c.detector.modelPath = model;
    return c;
}
} // namespace

class TestDetectionPipeline : public QObject {
    Q_OBJECT
private:
    QByteArray m_dog;
    QString m_models;

private slots:
    void initTestCase()
    {
        m_models = test::modelsDir();
        m_dog = test::readFile(test::testdataDir() + "/dog.jpg");
    }

    void annotatesLiveFrames()
    {
        const QString model = m_models + "/yolox_nano_coco80_416_fp32.onnx";
        if (!QFile::exists(model) || m_dog.isEmpty())
            QSKIP(qPrintable("shared models or photos absent (looked in " + m_models + "; set VIGIL_MODELS_DIR)"));
        Esp32CameraServer server;
        server.setFrames({m_dog});
        QVERIFY(server.listen());
        ProcessingScheduler scheduler(1);
        Camera cam(config(server.url(), model), &scheduler);
        cam.start();
        QTRY_VERIFY_WITH_TIMEOUT(cam.stats().processed >= 3, 20000);
        const ProcessedFramePtr f = cam.latestFrame();
        QVERIFY(f);
        QVERIFY2(cam.detectorStatus().contains("yolox", Qt::CaseInsensitive), qPrintable(cam.detectorStatus()));
        QVERIFY(!cam.detectorFailed());
        QCOMPARE(f->sourceSize, QSize(768, 576));
        bool dog = false;
        for (const Detection& d : f->detections) {
            // In source pixels: the reference box is [133, 207, 326, 543].
            if (d.name == "dog" && std::abs(d.box.x() - 133) < 30 && std::abs(d.box.bottom() - 543) < 30)
                dog = true;
            QVERIFY(d.score >= 0.25f);
        }
        QVERIFY2(dog, "no dog at the reference place");
        // The output JPEG is the annotated image, not the camera's own bytes.
        QVERIFY(f->jpeg != f->sourceJpeg);
        JpegDecoder dec;
        QSize size;
        QVERIFY(dec.readSize(f->jpeg, &size));
        QCOMPARE(size, f->size);  // the JPEG is the size the frame (and its message) declares
        QCOMPARE(size, QSize(768, 576));  // no consumer asked for less: the source size
        QVERIFY(f->inferMs > 0);
        QVERIFY(cam.stats().inferMs > 0);
        QCOMPARE(cam.stats().decodeErrors, 0ull);
    }

    void missingModelKeepsVideoRunning()
    {
        Esp32CameraServer server;
        QVERIFY(server.listen());
        ProcessingScheduler scheduler(1);
        Camera cam(config(server.url(), "/nonexistent/model.onnx"), &scheduler);
        cam.start();
        QTRY_VERIFY_WITH_TIMEOUT(cam.stats().processed >= 5, 10000);
        QVERIFY2(cam.detectorStatus().contains("model.onnx"), qPrintable(cam.detectorStatus()));
        QVERIFY(cam.latestFrame()->detections.isEmpty());
        QVERIFY(cam.detectorFailed());
    }

    void corruptModelIsReportedOnce()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("broken.onnx");
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(5000, '\x42'));
        f.close();
        Esp32CameraServer server;
        QVERIFY(server.listen());
        ProcessingScheduler scheduler(1);
        Camera cam(config(server.url(), path), &scheduler);
        cam.start();
        QTRY_VERIFY_WITH_TIMEOUT(cam.stats().processed >= 5, 10000);
        QVERIFY2(cam.detectorStatus().contains("broken.onnx"), qPrintable(cam.detectorStatus()));
    }

    void modelFetchedWhileRunningIsPickedUp()
    {
        const QByteArray onnx = test::readFile(m_models + "/yolox_nano_coco80_416_fp32.onnx");
        if (onnx.isEmpty())
            QSKIP(qPrintable("models folder absent: " + m_models));
        qputenv("VIGIL_MODEL", "");
        QStandardPaths::setTestModeEnabled(true);
        const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + "/models";
        QDir(dir).removeRecursively();
        if (!resolveModelPath(QString()).isEmpty())
            QSKIP("a model is installed system-wide: cannot start without one");
        Esp32CameraServer server;
        QVERIFY(server.listen());
        ProcessingScheduler scheduler(1);
        Camera cam(config(server.url(), QString()), &scheduler);
        cam.start();
        QTRY_VERIFY_WITH_TIMEOUT(cam.stats().processed >= 3, 10000);
        QVERIFY2(cam.detectorStatus().contains("fetch.sh"), qPrintable(cam.detectorStatus()));
        QVERIFY(cam.detectorFailed());
        // What models/fetch.sh does, while the camera streams.
        QVERIFY(QDir().mkpath(dir));
        QFile f(dir + "/yolox_nano_coco80_416_fp32.onnx");
        QVERIFY(f.open(QIODevice::WriteOnly) && f.write(onnx) == onnx.size());
        f.close();
        QTRY_VERIFY_WITH_TIMEOUT(cam.detectorStatus().contains("yolox_nano"), 15000);
        QVERIFY(!cam.detectorFailed());
        QVERIFY(cam.config().detector.modelPath.isEmpty());  // still "default model" in the config
        cam.stop();
        QDir(dir).removeRecursively();
    }

    void noModelSaysHowToGetOne()
    {
        qputenv("VIGIL_MODEL", "");
        CameraConfig c = config(QUrl("http://127.0.0.1:1/"), QString());
        QString status;
        const ProcessingOptions o = Camera::optionsFor(c, &status);
        // With no model anywhere the status explains what to do; with one installed it names it.
        if (o.detector.modelPath.isEmpty())
            QVERIFY2(status.contains("fetch.sh") || status.contains("--model"), qPrintable(status));
        else
            QVERIFY(status.contains(o.detector.modelPath));
    }
};

QTEST_MAIN(TestDetectionPipeline)
#include "tst_detection_pipeline.moc"
