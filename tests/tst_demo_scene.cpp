// The demo camera's scene: a real person walks through now and then, and a real model sees it.
#include <QtTest>

#include "demo/scene_renderer.h"
#include "detection/detector.h"
#include "processing/jpeg_codec.h"
#include "test_util.h"

using namespace vigil;

class TestDemoScene : public QObject {
    Q_OBJECT

    // 10 FPS keeps the test quick: a 20 s period of 200 frames, the walk from frame 25 for 10 s.
    static DemoSceneOptions options()
    {
        DemoSceneOptions o;
        o.fps = 10;
        o.loopFrames = 10;
        o.periodS = 20;
        o.walkS = 10;
        return o;
    }
    static constexpr int kWalkStart = 200 / 8;
    static constexpr int kWalkFrames = 100;

    QList<QByteArray> m_frames;

    QVector<Detection> people(int index)
    {
        JpegDecoder decoder;
        cv::Mat bgr;
        if (!decoder.decodeBgr(m_frames.at(index), bgr))
            return {};
        DetectorSettings s;
        s.modelPath = test::modelsDir() + "/yolox_nano_coco80_416_fp32.onnx";
        s.classFilter = {QStringLiteral("person")};
        QString error;
        static std::unique_ptr<Detector> detector = createDetector(s, &error);
        if (!detector)
            qWarning() << error;
        return detector ? detector->detect(bgr) : QVector<Detection>{};
    }

private slots:
    void initTestCase() { m_frames = renderDemoScene({640, 480}, 80, options()); }

    void cutOutHasAnAlphaMatte()
    {
        const QImage person = demoPersonImage();
        QVERIFY2(!person.isNull(), "the cut-out is not in the resources");
        QVERIFY(person.hasAlphaChannel());
        // Transparent corners (background removed), an opaque middle (the person).
        QCOMPARE(qAlpha(person.pixel(0, 0)), 0);
        QCOMPARE(qAlpha(person.pixel(person.width() / 2, person.height() / 2)), 255);
    }

    void framesOutsideTheWalkAreTheLoopsOwnBytes()
    {
        QCOMPARE(m_frames.size(), 200);
        const QList<QByteArray> loop = renderDemoLoop({640, 480}, 10, 80);
        for (int i : {0, 5, kWalkStart - 1, kWalkStart + kWalkFrames, 199})
            QCOMPARE(m_frames.at(i), loop.at(i % 10));
        // During the walk every frame differs from the loop (the person is in it, or entering).
        int differing = 0;
        for (int i = kWalkStart; i < kWalkStart + kWalkFrames; ++i)
            differing += m_frames.at(i) != loop.at(i % 10);
        QCOMPARE(differing, kWalkFrames);
    }

    void aRealModelSeesThePersonOnlyDuringTheWalk()
    {
        if (!QFile::exists(test::modelsDir() + "/yolox_nano_coco80_416_fp32.onnx"))
            QSKIP(qPrintable("shared models absent (looked in " + test::modelsDir() + "; set VIGIL_MODELS_DIR)"));
        // Standing at 40 % of the width, feet near the bottom, about 200 px tall.
        const QVector<Detection> standing = people(kWalkStart + 45);
        QVERIFY2(!standing.isEmpty(), "no person found while the person stands in the yard");
        const QRectF box = standing.first().box;
        QVERIFY2(standing.first().score > 0.5f, qPrintable(QString::number(standing.first().score)));
        QVERIFY2(std::abs(box.x() - 256) < 30, qPrintable(QString::number(box.x())));
        QVERIFY2(box.height() > 160 && box.height() < 230, qPrintable(QString::number(box.height())));
        QVERIFY2(box.bottom() > 430, qPrintable(QString::number(box.bottom())));
        // Walking in, it is seen too; before and after the walk, nobody.
        QVERIFY(!people(kWalkStart + 20).isEmpty());
        QVERIFY(people(kWalkStart - 5).isEmpty());
        QVERIFY(people(kWalkStart + kWalkFrames + 5).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestDemoScene)
#include "tst_demo_scene.moc"
