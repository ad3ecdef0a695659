// Every consumer gets a frame that agrees with itself: two consumers of different sizes on one
// 768x576 camera (a small tile wanting a QImage, the rebroadcast wanting the source size as JPEG),
// with and without detections. Image size == declared size == decoded JPEG size == the
// width/height of the WebSocket message, whatever the other consumer asked for.
#include <QFile>
#include <QJsonObject>
#include <QTest>

#include "demo/esp32_camera_server.h"
#include "pipeline/camera.h"
#include "processing/frame_sink.h"
#include "processing/jpeg_codec.h"
#include "processing/processing_scheduler.h"
#include "rebroadcast/frame_message.h"
#include "test_util.h"

using namespace vigil;

class TestConsumerSizes : public QObject {
    Q_OBJECT
private:
    QByteArray m_photo;  // 768x576

    static QSize jpegSize(const QByteArray& jpeg)
    {
        JpegDecoder dec;
        cv::Mat bgr;
        if (!dec.decodeBgr(jpeg, bgr))
            return {};
        return QSize(bgr.cols, bgr.rows);
    }

    void check(const QString& model)
    {
        Esp32CameraServer server;
        server.setFrames({m_photo});
        QVERIFY(server.listen());
        ProcessingScheduler scheduler(1);
        CameraConfig c;
        c.id = "yard";
        c.url = server.url();
        c.skipFrames = 1;
        c.maxFps = 10;
        c.detect = model.isEmpty() ? vigil::DetectMode::Off : vigil::DetectMode::Always;
        c.detector.modelPath = model;
        Camera cam(c, &scheduler);
        LatestFrameSink tile(FrameFormat{QSize(320, 240), true, false});
        LatestFrameSink viewer(FrameFormat{QSize(), false, true});
        LatestFrameSink smallViewer(FrameFormat{QSize(400, 400), true, true});
        cam.addSink(&tile);
        cam.addSink(&viewer);
        cam.addSink(&smallViewer);
        cam.start();
        QTRY_VERIFY_WITH_TIMEOUT(cam.stats().processed >= 3 && tile.peekLatest() && viewer.peekLatest()
                                     && smallViewer.peekLatest(), 30000);
        const ProcessedFramePtr t = tile.peekLatest();
        const ProcessedFramePtr v = viewer.peekLatest();
        const ProcessedFramePtr s = smallViewer.peekLatest();
        cam.removeSink(&tile);
        cam.removeSink(&viewer);
        cam.removeSink(&smallViewer);

        QCOMPARE(t->sourceSize, QSize(768, 576));
        // The tile: its own size as an image, no JPEG encoded for it.
        QCOMPARE(t->size, QSize(320, 240));
        QCOMPARE(t->image.size(), QSize(320, 240));
        QVERIFY(t->jpeg.isEmpty());
        // The viewer: the source size as JPEG, whatever the tile asked for.
        QCOMPARE(v->size, QSize(768, 576));
        QVERIFY(v->image.isNull());
        QCOMPARE(jpegSize(v->jpeg), QSize(768, 576));
        // A configured size: fitted to the aspect ratio; image and JPEG agree.
        QCOMPARE(s->size, QSize(400, 300));
        QCOMPARE(s->image.size(), QSize(400, 300));
        QCOMPARE(jpegSize(s->jpeg), QSize(400, 300));
        // The message declares the JPEG it carries; boxes stay in source pixels.
        for (const ProcessedFramePtr& f : {v, s}) {
            BinaryFrameView view;
            QVERIFY(decodeBinaryFrame(encodeBinaryFrame(*f, 0), &view));
            QCOMPARE(QSize(view.metadata["width"].toInt(), view.metadata["height"].toInt()), jpegSize(view.jpeg));
            QCOMPARE(view.metadata["source_width"].toInt(), 768);
        }
        if (model.isEmpty()) {
            QVERIFY(v->detections.isEmpty());
            QCOMPARE(v->jpeg, v->sourceJpeg);  // nothing drawn at source size: not re-encoded
        } else {
            QVERIFY2(!v->detections.isEmpty(), "the model found nothing in the photo");
            QVERIFY(v->jpeg != v->sourceJpeg);  // annotated
            for (const Detection& d : v->detections)
                QVERIFY(d.box.right() <= 768 + 1 && d.box.bottom() <= 576 + 1);
            QCOMPARE(t->detections.size(), v->detections.size());  // same result, other size
        }
        QCOMPARE(cam.stats().decodeErrors, 0ull);
    }

private slots:
    void initTestCase()
    {
        m_photo = test::readFile(test::testdataDir() + "/dog.jpg");
        if (m_photo.isEmpty()) {
            // Without the shared photo: any 768x576 JPEG serves the no-detection case.
            QImage img(768, 576, QImage::Format_RGB888);
            img.fill(Qt::darkCyan);
            JpegEncoder enc;
            const cv::Mat m(img.height(), img.width(), CV_8UC3, img.bits(), size_t(img.bytesPerLine()));
            m_photo = enc.encodeBgr(m);
        }
        QVERIFY(!m_photo.isEmpty());
    }

    void withoutDetections() { check({}); }

    void withDetections()
    {
        const QString model = test::modelsDir() + "/yolo-fastest-1.1-xl_coco80_320.cfg";
        if (!QFile::exists(model) || !QFile::exists(test::testdataDir() + "/dog.jpg"))
            QSKIP(qPrintable("shared model or photo absent (looked in " + test::modelsDir() + ")"));
        check(model);
    }
};

QTEST_GUILESS_MAIN(TestConsumerSizes)
#include "tst_consumer_sizes.moc"
