// Region crops: the detector looks at a square crop around where something moves, at the model's
// own resolution, so a small distant object that the whole-frame letterbox shrinks away is found.
#include <QTest>
#include <opencv2/imgproc.hpp>

#include "processing/frame_processor.h"
#include "processing/jpeg_codec.h"
#include "test_util.h"

using namespace vigil;

class TestRegionCrop : public QObject {
    Q_OBJECT
private:
    QString m_model;
    QByteArray m_frame;        // 1920x1080 JPEG with a ~37x100 px person in it
    QRect m_person;            // where it is, source pixels

    ProcessResult run(const QRect& focus)
    {
        ProcessingOptions o;
        o.detectionEnabled = true;
        o.detector.modelPath = m_model;
        o.detector.classFilter = {"person"};
        WorkerContext ctx;
        EncodedFrame in;
        in.jpeg = m_frame;
        in.seq = 1;
        return processFrame("far", in, o, {FrameFormat{}}, ctx, focus);
    }
    bool foundPerson(const ProcessResult& r) const
    {
        for (const Detection& d : r.frames.value(0)->detections)
            if (d.name == "person" && d.box.toAlignedRect().intersects(m_person))
                return true;
        return false;
    }

private slots:
    void initTestCase()
    {
        m_model = test::modelsDir() + "/yolox_nano_coco80_416_fp32.onnx";
        const cv::Mat small = test::personSprite(110);
        if (!QFile::exists(m_model) || small.empty())
            QSKIP(qPrintable("shared models or photos absent (looked in " + test::modelsDir() + "; set VIGIL_MODELS_DIR)"));
        // A plain, slightly textured yard; the person far away, about 40x100 px.
        cv::Mat frame(1080, 1920, CV_8UC3, cv::Scalar(110, 120, 115));
        cv::RNG rng(7);
        cv::Mat noise(frame.size(), CV_8UC3);
        rng.fill(noise, cv::RNG::UNIFORM, 0, 12);
        frame += noise;
        const cv::Rect at(1500, 800, small.cols, small.rows);
        small.copyTo(frame(at));
        m_person = QRect(at.x, at.y, at.width, at.height);
        JpegEncoder enc;
        m_frame = enc.encodeBgr(frame, 90);
        QVERIFY(!m_frame.isEmpty());
    }

    void cropIsSquareAtLeastModelSizeInsideFrame()
    {
        const QSize src(1920, 1080);
        const QRect c = cropForFocus(src, QRect(1880, 1040, 30, 30), QSize(416, 416));
        QCOMPARE(c.width(), 416);
        QCOMPARE(c.height(), 416);
        QVERIFY(QRect(QPoint(0, 0), src).contains(c));
        QVERIFY(c.contains(QRect(1880, 1040, 30, 30)));
        // Large motion: the whole frame is better.
        QVERIFY(cropForFocus(src, QRect(100, 100, 1200, 800), QSize(416, 416)).isEmpty());
        // Small frames gain nothing from a crop of the model's size.
        QVERIFY(cropForFocus(QSize(640, 480), QRect(10, 10, 20, 20), QSize(416, 416)).isEmpty());
        QVERIFY(cropForFocus(src, QRect(), QSize(416, 416)).isEmpty());
    }

    void smallDistantPersonFoundOnlyWithCrop()
    {
        // The whole frame letterboxed to 416: the person shrinks to ~8x23 px and is lost.
        const ProcessResult whole = run(QRect());
        QVERIFY(whole.inferred);
        QCOMPARE(whole.inferRegion, QRect(0, 0, 1920, 1080));
        QVERIFY2(!foundPerson(whole), "the whole-frame letterbox was expected to miss the small person");

        // A crop around where it moved: found, with its box mapped back to source pixels.
        const ProcessResult cropped = run(m_person);
        QVERIFY(cropped.inferred);
        QCOMPARE(cropped.inferRegion.size(), QSize(416, 416));
        QVERIFY(cropped.inferRegion.contains(m_person));
        QVERIFY2(foundPerson(cropped), "the crop should find the person");
        for (const Detection& d : cropped.frames.value(0)->detections) {
            if (d.name != "person")
                continue;
            const QRect b = d.box.toAlignedRect();
            const double iou = double((b & m_person).width() * (b & m_person).height()) /
                               (b.width() * b.height() + m_person.width() * m_person.height() -
                                (b & m_person).width() * (b & m_person).height());
            QVERIFY2(iou > 0.4, qPrintable(QString("IoU %1").arg(iou)));
        }
        QVERIFY(cropped.frames.value(0)->inferred);
        QCOMPARE(cropped.frames.value(0)->inferRegion, cropped.inferRegion);
    }
};

QTEST_GUILESS_MAIN(TestRegionCrop)
#include "tst_region_crop.moc"
