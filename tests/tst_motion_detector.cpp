// MotionDetector on synthetic camera sequences, through real JPEGs as the pipeline sees them:
// scene + sensor noise -> JpegEncoder -> JpegDecoder::decodeGray at analysisSize() -> analyse().
#include <QtTest>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "motion/motion_detector.h"
#include "processing/jpeg_codec.h"

using namespace vigil;

namespace {

constexpr int kWidth = 640, kHeight = 480;
constexpr int kSettleFrames = 10;  // frames of still scene before anything happens

// A textured, photo-like grey scene: smooth blobs, finer texture, hard-edged shapes, scaled into
// lo..hi. Deterministic for a seed.
cv::Mat texturedScene(int lo, int hi, int seed = 1)
{
    cv::RNG rng(seed);
    cv::Mat coarse(12, 16, CV_32F), fine(60, 80, CV_32F);
    rng.fill(coarse, cv::RNG::UNIFORM, 0, 1);
    rng.fill(fine, cv::RNG::UNIFORM, 0, 1);
    cv::Mat a, b;
    cv::resize(coarse, a, cv::Size(kWidth, kHeight), 0, 0, cv::INTER_CUBIC);
    cv::resize(fine, b, cv::Size(kWidth, kHeight), 0, 0, cv::INTER_LINEAR);
    cv::Mat scene = 0.65 * a + 0.35 * b;
    for (int i = 0; i < 12; ++i) {
        const cv::Point p(rng.uniform(0, kWidth), rng.uniform(0, kHeight));
        const cv::Size s(rng.uniform(20, 120), rng.uniform(20, 120));
        cv::rectangle(scene, cv::Rect(p, s), cv::Scalar(rng.uniform(0.f, 1.f)), cv::FILLED);
    }
    cv::normalize(scene, scene, lo, hi, cv::NORM_MINMAX);
    cv::Mat out;
    scene.convertTo(out, CV_8U);
    return out;
}

// Runs frames through JPEG and the detector the way the pipeline does.
class Camera {
public:
    explicit Camera(double noiseSigma, int seed = 5) : m_sigma(noiseSigma), m_rng(seed) {}

    MotionResult shoot(const cv::Mat& gray, const MotionSettings& settings = {})
    {
        gray.convertTo(m_noisy, CV_16S);
        if (m_sigma > 0) {
            m_noise.create(gray.size(), CV_16S);
            m_rng.fill(m_noise, cv::RNG::NORMAL, 0, m_sigma);
            m_noisy += m_noise;
        }
        m_noisy.convertTo(m_gray8, CV_8U);  // saturates like a sensor
        cv::cvtColor(m_gray8, m_bgr, cv::COLOR_GRAY2BGR);
        const QByteArray jpeg = m_encoder.encodeBgr(m_bgr, 80);
        const QSize source(gray.cols, gray.rows);
        QString error;
        if (!m_decoder.decodeGray(jpeg, m_small, MotionDetector::analysisSize(source), &error))
            qFatal("decodeGray failed: %s", qPrintable(error));
        return detector.analyse(m_small, source, settings);
    }

    MotionDetector detector;

private:
    double m_sigma;
    cv::RNG m_rng;
    JpegEncoder m_encoder;
    JpegDecoder m_decoder;
    cv::Mat m_noisy, m_noise, m_gray8, m_bgr, m_small;
};

QString describe(const MotionResult& r)
{
    QStringList boxes;
    for (const QRect& b : r.boxes)
        boxes << QStringLiteral("%1,%2 %3x%4").arg(b.x()).arg(b.y()).arg(b.width()).arg(b.height());
    return QStringLiteral("motion %1, %2%%, recalibrated %3, boxes [%4], any %5")
        .arg(r.motion)
        .arg(r.motionPct, 0, 'f', 2)
        .arg(r.recalibrated)
        .arg(boxes.join("; "))
        .arg(r.anyBoxes.size());
}

// The box (within `slack` px) that holds the whole of `object`, else an invalid rect.
QRect boxContaining(const QList<QRect>& boxes, const QRect& object, int slack)
{
    for (const QRect& b : boxes)
        if (b.adjusted(-slack, -slack, slack, slack).contains(object))
            return b;
    return {};
}

cv::Rect toCv(const QRect& r) { return {r.x(), r.y(), r.width(), r.height()}; }

// A relative polygon from source pixel corners (a rectangle).
RelativePolygon relativeRect(const QRect& r)
{
    const double x0 = double(r.left()) / kWidth, x1 = double(r.right() + 1) / kWidth;
    const double y0 = double(r.top()) / kHeight, y1 = double(r.bottom() + 1) / kHeight;
    return RelativePolygon{QList<QPointF>{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}}};
}

} // namespace

class TestMotionDetector : public QObject {
    Q_OBJECT
private slots:
    void analysisSize_data()
    {
        QTest::addColumn<QSize>("source");
        QTest::addColumn<QSize>("expected");
        QTest::newRow("VGA at 1/4") << QSize(640, 480) << QSize(160, 120);
        QTest::newRow("1080p at 1/8") << QSize(1920, 1080) << QSize(240, 135);
        QTest::newRow("QVGA at 1/2") << QSize(320, 240) << QSize(160, 120);
        QTest::newRow("720p at 1/4") << QSize(1280, 720) << QSize(320, 180);
        QTest::newRow("ESP32 SVGA at 1/4") << QSize(800, 600) << QSize(200, 150);
        QTest::newRow("portrait: the short side counts") << QSize(480, 1920) << QSize(120, 480);
        QTest::newRow("smaller than 100: full size") << QSize(160, 90) << QSize(160, 90);
        QTest::newRow("invalid") << QSize() << QSize();
    }
    void analysisSize()
    {
        QFETCH(QSize, source);
        QFETCH(QSize, expected);
        QCOMPARE(MotionDetector::analysisSize(source), expected);
    }

    void staticSceneNeverMoves_data()
    {
        QTest::addColumn<int>("lo");
        QTest::addColumn<int>("hi");
        QTest::addColumn<double>("sigma");
        QTest::newRow("day, sigma 7") << 40 << 210 << 7.0;
        QTest::newRow("night, sigma 8") << 4 << 45 << 8.0;
        QTest::newRow("flat grey, sigma 8") << 100 << 100 << 8.0;
    }
    void staticSceneNeverMoves()
    {
        QFETCH(int, lo);
        QFETCH(int, hi);
        QFETCH(double, sigma);
        const cv::Mat scene = texturedScene(lo, hi);
        Camera cam(sigma);
        double worstPct = 0;
        for (int i = 0; i < 100; ++i) {
            const MotionResult r = cam.shoot(scene);
            QVERIFY2(!r.motion && !r.recalibrated, qPrintable(QStringLiteral("frame %1: ").arg(i) + describe(r)));
            worstPct = std::max(worstPct, r.motionPct);
            QVERIFY(r.analyseMs >= 0);
        }
        qInfo("largest moving share: %.3f%%", worstPct);
        QVERIFY(worstPct < 0.5);
    }

    void slowRampIsFollowed_data()
    {
        QTest::addColumn<int>("step");
        QTest::newRow("brighter") << 1;
        QTest::newRow("darker") << -1;
    }
    void slowRampIsFollowed()
    {
        // Clouds or auto-exposure: one grey level per frame for 100 frames.
        QFETCH(int, step);
        const cv::Mat scene = texturedScene(step > 0 ? 15 : 115, step > 0 ? 135 : 235);
        Camera cam(6);
        cv::Mat frame;
        for (int i = 0; i < kSettleFrames + 100; ++i) {
            const int shift = std::max(0, i - kSettleFrames) * step;
            cv::add(scene, cv::Scalar(shift), frame);
            const MotionResult r = cam.shoot(frame);
            QVERIFY2(!r.motion && !r.recalibrated, qPrintable(QStringLiteral("frame %1: ").arg(i) + describe(r)));
        }
    }

    void lightsOnRecalibrates()
    {
        const cv::Mat scene = texturedScene(15, 140);
        Camera cam(6);
        cv::Mat lit;
        cv::add(scene, cv::Scalar(80), lit);
        constexpr int kSwitchAt = 30;
        int recalibratedAt = -1, motionFrames = 0;
        for (int i = 0; i < kSwitchAt + 40; ++i) {
            const MotionResult r = cam.shoot(i < kSwitchAt ? scene : lit);
            if (r.recalibrated && recalibratedAt < 0)
                recalibratedAt = i;
            if (r.motion) {
                ++motionFrames;
                qInfo("frame %d: %s", i, qPrintable(describe(r)));
            }
            if (r.recalibrated)
                QVERIFY2(!r.motion && r.boxes.isEmpty() && r.anyBoxes.isEmpty(), qPrintable(describe(r)));
            if (i < kSwitchAt)
                QVERIFY2(!r.motion && !r.recalibrated, qPrintable(QStringLiteral("frame %1: ").arg(i) + describe(r)));
        }
        QVERIFY2(recalibratedAt >= kSwitchAt && recalibratedAt <= kSwitchAt + 1, qPrintable(QString::number(recalibratedAt)));
        QVERIFY2(motionFrames <= 1, qPrintable(QString::number(motionFrames)));
    }

    void movingObjectIsBoxed()
    {
        // The figure is darker than every part of the scene, so all of it differs from what it hides.
        const cv::Mat scene = texturedScene(90, 230);
        Camera cam(7);
        cv::Mat frame;
        int framesChecked = 0, exitedAt = -1;
        // A 60x120 dark figure walks across at 10 px per frame, then out of the picture.
        for (int i = 0, x = -80; i < kSettleFrames + 90; ++i) {
            scene.copyTo(frame);
            const QRect object(x, 200, 60, 120);
            if (i >= kSettleFrames) {
                cv::rectangle(frame, toCv(object), cv::Scalar(15), cv::FILLED);
                x += 10;
            }
            const MotionResult r = cam.shoot(frame);
            if (i < kSettleFrames) {
                QVERIFY2(!r.motion, qPrintable(describe(r)));
                continue;
            }
            QVERIFY2(!r.recalibrated, qPrintable(describe(r)));
            if (object.left() >= kWidth) {
                // Gone: it leaves no ghost where it walked.
                if (exitedAt < 0)
                    exitedAt = i;
                if (i > exitedAt + 1)
                    QVERIFY2(!r.motion, qPrintable(QStringLiteral("%1 frames after leaving: ").arg(i - exitedAt) + describe(r)));
                continue;
            }
            // Judged once the figure is wholly in the picture.
            if (object.left() < 0 || object.right() >= kWidth)
                continue;
            ++framesChecked;
            const QString what = QStringLiteral("x=%1: ").arg(object.x()) + describe(r);
            QVERIFY2(r.motion, qPrintable(what));
            // One region, holding the figure: the rest of the picture is not re-mapped by its arrival.
            QVERIFY2(r.boxes.size() == 1, qPrintable(what));
            const QRect box = boxContaining(r.boxes, object, 4);
            QVERIFY2(box.isValid(), qPrintable(what));
            // About the figure's size: no trail behind it, not the whole picture.
            QVERIFY2(box.width() < object.width() + 40 && box.height() < object.height() + 40, qPrintable(what));
            QVERIFY(QRect(0, 0, kWidth, kHeight).contains(box));
            QVERIFY2(r.motionPct > 1 && r.motionPct < 6, qPrintable(what));
        }
        QVERIFY(framesChecked > 50);
        QVERIFY(exitedAt > 0);
    }

    void nightFigureIsSeen()
    {
        // A dark, low-contrast scene: the figure differs by 20 grey levels only (less than the
        // threshold of 25) and is still seen, because the contrast stretch scales the scene up.
        const cv::Mat scene = texturedScene(5, 40);
        Camera cam(6);
        cv::Mat frame;
        int seen = 0, judged = 0;
        for (int i = 0; i < kSettleFrames + 50; ++i) {
            scene.copyTo(frame);
            const QRect object(40 + 10 * std::max(0, i - kSettleFrames), 180, 60, 120);
            if (i >= kSettleFrames)
                cv::add(frame(toCv(object)), cv::Scalar(20), frame(toCv(object)));
            const MotionResult r = cam.shoot(frame);
            QVERIFY2(!r.recalibrated, qPrintable(describe(r)));
            if (i < kSettleFrames) {
                QVERIFY2(!r.motion, qPrintable(describe(r)));
                continue;
            }
            ++judged;
            // The boxes overlap the figure and nothing else.
            for (const QRect& b : r.boxes)
                QVERIFY2(b.intersects(object), qPrintable(describe(r)));
            seen += r.motion;
        }
        QVERIFY2(seen >= judged - 1, qPrintable(QStringLiteral("%1 of %2").arg(seen).arg(judged)));
    }

    void stoppedObjectBecomesBackground()
    {
        // A car parks: motion at first, then it is learnt into the background within seconds.
        const cv::Mat scene = texturedScene(60, 220);
        Camera cam(6);
        for (int i = 0; i < kSettleFrames; ++i)
            cam.shoot(scene);
        cv::Mat parked = scene.clone();
        cv::rectangle(parked, cv::Rect(200, 250, 160, 90), cv::Scalar(20), cv::FILLED);
        int lastMotion = -1;
        for (int i = 0; i < 120; ++i) {
            const MotionResult r = cam.shoot(parked);
            QVERIFY(!r.recalibrated);
            if (i == 0)
                QVERIFY2(r.motion, qPrintable(describe(r)));
            if (r.motion)
                lastMotion = i;
        }
        qInfo("the parked car moved for %d frames", lastMotion + 1);
        QVERIFY2(lastMotion >= 20 && lastMotion < 90, qPrintable(QString::number(lastMotion)));
    }

    void maskedMotionIsIgnored()
    {
        const cv::Mat scene = texturedScene(60, 220);
        // The mask is a band along the top (a road, say); a second figure walks below it later.
        const QRect maskedArea(0, 0, kWidth, 200);
        MotionSettings settings;
        settings.masks = {relativeRect(maskedArea)};
        Camera cam(7);
        cv::Mat frame;
        int outsideSeen = 0;
        for (int i = 0; i < kSettleFrames + 60; ++i) {
            scene.copyTo(frame);
            const int step = std::max(0, i - kSettleFrames);
            // In the band, with a margin: 50 px from its edge.
            const QRect inside(20 + 8 * step, 30, 60, 120);
            cv::rectangle(frame, toCv(inside), cv::Scalar(15), cv::FILLED);
            const bool outsideToo = step >= 30;
            const QRect outside(20 + 8 * (step - 30), 330, 60, 120);
            if (outsideToo)
                cv::rectangle(frame, toCv(outside), cv::Scalar(15), cv::FILLED);
            const MotionResult r = cam.shoot(frame, settings);
            for (const QRect& b : r.anyBoxes)
                QVERIFY2(!b.intersects(inside), qPrintable(describe(r)));
            if (!outsideToo) {
                QVERIFY2(!r.motion && r.motionPct < 0.5,
                         qPrintable(QStringLiteral("frame %1: ").arg(i) + describe(r)));
            } else if (step >= 32) {
                ++outsideSeen;
                QVERIFY2(r.motion, qPrintable(describe(r)));
                QVERIFY2(boxContaining(r.boxes, outside, 4).isValid(), qPrintable(describe(r)));
            }
        }
        QVERIFY(outsideSeen > 20);

        // Without the mask (cached mask dropped) the same figure in the band is seen.
        settings.masks.clear();
        scene.copyTo(frame);
        cv::rectangle(frame, cv::Rect(300, 30, 60, 120), cv::Scalar(15), cv::FILLED);
        const MotionResult r = cam.shoot(frame, settings);
        QVERIFY2(r.motion, qPrintable(describe(r)));
        QVERIFY(boxContaining(r.boxes, QRect(300, 30, 60, 120), 4).isValid());
    }

    void maskChangeTakesEffect()
    {
        // A mask set after the start applies from the next frame (the cached raster is renewed).
        const cv::Mat scene = texturedScene(60, 220);
        Camera cam(7);
        cv::Mat frame;
        MotionSettings settings;
        for (int i = 0; i < kSettleFrames; ++i)
            cam.shoot(scene, settings);
        scene.copyTo(frame);
        cv::rectangle(frame, cv::Rect(100, 100, 80, 80), cv::Scalar(15), cv::FILLED);
        // A pentagon around the square (x 100..180, y 100..180), with a margin.
        settings.masks = {RelativePolygon{QList<QPointF>{{0.1, 0.1}, {0.35, 0.1}, {0.4, 0.3}, {0.35, 0.5}, {0.1, 0.5}}}};
        const MotionResult masked = cam.shoot(frame, settings);
        QVERIFY2(!masked.motion, qPrintable(describe(masked)));
        settings.masks = {RelativePolygon{QList<QPointF>{{0.6, 0.6}, {0.9, 0.6}, {0.9, 0.9}}}};
        const MotionResult unmasked = cam.shoot(frame, settings);
        QVERIFY2(unmasked.motion, qPrintable(describe(unmasked)));
        // A mask over everything: nothing can move, and no division by zero.
        settings.masks = {relativeRect(QRect(0, 0, kWidth, kHeight))};
        const MotionResult all = cam.shoot(scene, settings);
        QVERIFY(!all.motion && all.anyBoxes.isEmpty());
        QCOMPARE(all.motionPct, 0.0);
    }

    void smallObjectBelowMinArea()
    {
        const cv::Mat scene = texturedScene(60, 220);
        Camera cam(7);
        MotionSettings settings;
        settings.minAreaPct = 1.0;  // 1% of the frame: 3072 source px, more than the 16x16 object
        cv::Mat frame;
        int seen = 0;
        for (int i = 0; i < kSettleFrames + 40; ++i) {
            scene.copyTo(frame);
            const int step = std::max(0, i - kSettleFrames);
            const QRect object(100 + 10 * step, 240, 16, 16);
            if (i >= kSettleFrames)
                cv::rectangle(frame, toCv(object), cv::Scalar(0), cv::FILLED);
            const MotionResult r = cam.shoot(frame, settings);
            QVERIFY2(!r.motion && r.boxes.isEmpty(), qPrintable(describe(r)));
            if (i > kSettleFrames + 1 && boxContaining(r.anyBoxes, object, 4).isValid())
                ++seen;
            else if (i > kSettleFrames + 1)
                qInfo("%d,%d: %s", object.x(), object.y(), qPrintable(describe(r) + " " + [&] {
                    QStringList l;
                    for (const QRect& b : r.anyBoxes)
                        l << QStringLiteral("%1,%2 %3x%4").arg(b.x()).arg(b.y()).arg(b.width()).arg(b.height());
                    return l.join("; ");
                }()));
        }
        QVERIFY2(seen >= 35, qPrintable(QString::number(seen)));

        // The same object counts when the minimum is lower.
        settings.minAreaPct = 0.05;
        scene.copyTo(frame);
        const QRect object(300, 100, 16, 16);
        cv::rectangle(frame, toCv(object), cv::Scalar(0), cv::FILLED);
        const MotionResult r = cam.shoot(frame, settings);
        QVERIFY2(r.motion && boxContaining(r.boxes, object, 4).isValid(), qPrintable(describe(r)));
    }

    void restartsOnResetAndSizeChange()
    {
        const cv::Mat a = texturedScene(60, 220, 1), b = texturedScene(20, 240, 2);
        Camera cam(5);
        for (int i = 0; i < kSettleFrames; ++i)
            QVERIFY(!cam.shoot(a).motion);
        // Another scene after reset(): a start, not a change.
        cam.detector.reset();
        for (int i = 0; i < kSettleFrames; ++i) {
            const MotionResult r = cam.shoot(b);
            QVERIFY2(!r.motion && !r.recalibrated, qPrintable(describe(r)));
        }
        // Without reset() the switch back is a global change.
        bool recalibrated = false;
        for (int i = 0; i < 3; ++i) {
            const MotionResult r = cam.shoot(a);
            recalibrated |= r.recalibrated;
            QVERIFY2(!r.motion, qPrintable(describe(r)));
        }
        QVERIFY(recalibrated);
        // The camera switches to 320x240: the analysis image is 160x120 as before, and the scene is
        // the same, so the background still holds.
        cv::Mat resized;
        cv::resize(a, resized, cv::Size(320, 240), 0, 0, cv::INTER_AREA);
        for (int i = 0; i < 5; ++i) {
            const MotionResult r = cam.shoot(resized);
            QVERIFY2(!r.motion && !r.recalibrated, qPrintable(describe(r)));
        }
        // A new analysis size (1280x720: 320x180) starts over: another scene is no change then.
        cv::resize(b, resized, cv::Size(1280, 720), 0, 0, cv::INTER_CUBIC);
        for (int i = 0; i < 5; ++i) {
            const MotionResult r = cam.shoot(resized);
            QVERIFY2(!r.motion && !r.recalibrated, qPrintable(describe(r)));
        }
        // Not a luma image: nothing, and no crash.
        const MotionResult bad = cam.detector.analyse(cv::Mat(10, 10, CV_8UC3), QSize(10, 10), {});
        QVERIFY(!bad.motion && bad.anyBoxes.isEmpty());
    }

    void boxesAreInSourcePixelsAndClamped()
    {
        // Motion at the frame's corner: the box is scaled to the source and stays inside it.
        const cv::Mat scene = texturedScene(60, 220);
        Camera cam(5);
        for (int i = 0; i < kSettleFrames; ++i)
            cam.shoot(scene);
        cv::Mat frame = scene.clone();
        const QRect corner(kWidth - 50, kHeight - 40, 50, 40);
        cv::rectangle(frame, toCv(corner), cv::Scalar(0), cv::FILLED);
        const MotionResult r = cam.shoot(frame);
        QVERIFY2(r.motion, qPrintable(describe(r)));
        const QRect box = boxContaining(r.boxes, corner, 0);
        QVERIFY2(box.isValid(), qPrintable(describe(r)));
        QCOMPARE(box.right(), kWidth - 1);
        QCOMPARE(box.bottom(), kHeight - 1);
        QVERIFY(box.left() >= kWidth - 50 - 12);
    }
};

QTEST_GUILESS_MAIN(TestMotionDetector)
#include "tst_motion_detector.moc"
