// Decoding of every YOLO family from hand-built output tensors, letterbox maths, NMS, class names.
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>

#include "detection/class_names.h"
#include "detection/model_manifest.h"
#include "detection/model_input_size.h"
#include "detection/preprocess.h"
#include "detection/yolo_decode.h"
#include "detection/yolo_detector.h"
#include "detection/yolo_family.h"

using namespace vigil;

namespace {

cv::Mat tensor3(int a, int b)
{
    const int dims[3] = {1, a, b};
    return cv::Mat(3, dims, CV_32F, cv::Scalar(0));
}

float* row(cv::Mat& m, int i) { return m.ptr<float>() + size_t(i) * m.size[2]; }

// Maps decoded input-pixel boxes back to the image, as YoloDetector does.
QRectF toImage(const Candidate& c, YoloFamily f, cv::Size image, cv::Size input)
{
    return makeInputTransform(defaultPreprocess(f), image, input).boxToImage(c.box);
}

bool near(const QRectF& a, const QRectF& b, double tol = 0.51)
{
    return std::abs(a.x() - b.x()) <= tol && std::abs(a.y() - b.y()) <= tol
           && std::abs(a.width() - b.width()) <= tol && std::abs(a.height() - b.height()) <= tol;
}

} // namespace

class TstYoloDecode : public QObject {
    Q_OBJECT
private slots:
    void gridCells()
    {
        QCOMPARE(gridCellCount({416, 416}), 3549);
        QCOMPARE(gridCellCount({640, 640}), 8400);
        QCOMPARE(gridCellCount({320, 320}), 2100);
    }

    void familyFromShape_data()
    {
        QTest::addColumn<int>("a");
        QTest::addColumn<int>("b");
        QTest::addColumn<int>("inputSide");
        QTest::addColumn<int>("hint");
        QTest::addColumn<int>("family");
        QTest::addColumn<int>("classes");
        const int U = int(YoloFamily::Unknown), X = int(YoloFamily::Yolox), V5 = int(YoloFamily::Yolov5),
                  V8 = int(YoloFamily::Yolov8);
        QTest::newRow("yolox 416") << 3549 << 85 << 416 << U << X << 80;
        QTest::newRow("yolox 320") << 2100 << 85 << 320 << U << X << 80;
        QTest::newRow("yolov5 640") << 25200 << 85 << 640 << U << V5 << 80;
        QTest::newRow("yolov5 320") << 6300 << 85 << 320 << U << V5 << 80;
        QTest::newRow("yolov8 640") << 84 << 8400 << 640 << U << V8 << 80;
        QTest::newRow("yolov8 2 classes") << 6 << 8400 << 640 << U << V8 << 2;
        QTest::newRow("manifest says v5") << 3549 << 85 << 416 << V5 << V5 << 80;
        QTest::newRow("manifest v8 on rows") << 3549 << 85 << 416 << V8 << X << 80;
        QTest::newRow("square") << 10 << 10 << 416 << U << U << 0;
        QTest::newRow("too narrow") << 3549 << 5 << 416 << U << U << 0;
    }
    void familyFromShape()
    {
        QFETCH(int, a);
        QFETCH(int, b);
        QFETCH(int, inputSide);
        QFETCH(int, hint);
        QFETCH(int, family);
        QFETCH(int, classes);
        const OutputLayout l = detectOnnxLayout(tensor3(a, b), {inputSide, inputSide}, YoloFamily(hint));
        QCOMPARE(int(l.family), family);
        QCOMPARE(l.numClasses, classes);
        if (family == int(YoloFamily::Unknown))
            QVERIFY(!l.reason.isEmpty());
    }

    void familyFromValuesWhenCountIsOdd()
    {
        cv::Mat raw = tensor3(1000, 85);   // neither 3549 nor 3 x 3549
        row(raw, 7)[2] = -1.5f;
        QCOMPARE(detectOnnxLayout(raw, {416, 416}, YoloFamily::Unknown).family, YoloFamily::Yolox);
        cv::Mat decoded = tensor3(1000, 85);
        row(decoded, 7)[2] = 120.f;
        QCOMPARE(detectOnnxLayout(decoded, {416, 416}, YoloFamily::Unknown).family, YoloFamily::Yolov5);
    }

    void darknetLayout()
    {
        std::vector<cv::Mat> outs{cv::Mat(300, 85, CV_32F, 0.f), cv::Mat(1200, 85, CV_32F, 0.f)};
        OutputLayout l = detectDarknetLayout(outs);
        QCOMPARE(l.family, YoloFamily::Darknet);
        QCOMPARE(l.numClasses, 80);
        outs.push_back(cv::Mat(10, 7, CV_32F, 0.f));
        QCOMPARE(detectDarknetLayout(outs).family, YoloFamily::Unknown);
        QCOMPARE(detectDarknetLayout({}).family, YoloFamily::Unknown);
    }

    void yolox()
    {
        const cv::Size input(416, 416), image(832, 416);   // scale 0.5, image at the top-left
        cv::Mat out = tensor3(3549, 85);
        // Stride-16 cell (5, 3): rows of stride 8 (52x52) come first.
        float* r = row(out, 52 * 52 + 3 * 26 + 5);
        r[0] = 0.5f;
        r[1] = 0.25f;
        r[2] = std::log(4.f);
        r[3] = std::log(2.f);
        r[4] = 0.9f;
        r[5 + 16] = 0.8f;
        // A low-scoring cell that must be dropped: 0.5 * 0.4 < 0.25.
        float* low = row(out, 10);
        low[4] = 0.5f;
        low[5] = 0.4f;
        std::vector<Candidate> c;
        decodeYolox(out, {0.25f, input, nullptr}, c);
        QCOMPARE(int(c.size()), 1);
        QCOMPARE(c[0].classId, 16);
        QVERIFY(std::abs(c[0].score - 0.72f) < 1e-5f);
        // Centre (88, 52), size 64x32 in input pixels -> x2 in image pixels.
        QVERIFY(near(QRectF(c[0].box.x, c[0].box.y, c[0].box.width, c[0].box.height), QRectF(56, 36, 64, 32)));
        QVERIFY(near(toImage(c[0], YoloFamily::Yolox, image, input), QRectF(112, 72, 128, 64)));
    }

    void yolov5()
    {
        const cv::Size input(640, 640), image(640, 480);   // no scaling, 80 px bands top and bottom
        cv::Mat out = tensor3(25200, 85);
        float* r = row(out, 1234);
        r[0] = 100;
        r[1] = 180;
        r[2] = 50;
        r[3] = 40;
        r[4] = 0.8f;
        r[5 + 2] = 0.9f;
        std::vector<Candidate> c;
        decodeYolov5(out, {0.25f, input, nullptr}, c);
        QCOMPARE(int(c.size()), 1);
        QCOMPARE(c[0].classId, 2);
        QVERIFY(std::abs(c[0].score - 0.72f) < 1e-5f);
        QVERIFY(near(toImage(c[0], YoloFamily::Yolov5, image, input), QRectF(75, 80, 50, 40)));
    }

    void yolov8()
    {
        const cv::Size input(640, 640), image(1280, 1280);   // scale 0.5, no padding
        const int n = 8400;
        cv::Mat out = tensor3(84, n);
        float* p = out.ptr<float>();
        const int i = 4321;
        p[0 * n + i] = 320;
        p[1 * n + i] = 320;
        p[2 * n + i] = 100;
        p[3 * n + i] = 200;
        p[(4 + 7) * n + i] = 0.6f;   // truck
        p[(4 + 2) * n + i] = 0.9f;   // car wins
        p[(4 + 0) * n + 17] = 0.2f;  // below threshold
        std::vector<Candidate> c;
        decodeYolov8(out, {0.25f, input, nullptr}, c);
        QCOMPARE(int(c.size()), 1);
        QCOMPARE(c[0].classId, 2);
        QVERIFY(std::abs(c[0].score - 0.9f) < 1e-6f);
        QVERIFY(near(toImage(c[0], YoloFamily::Yolov8, image, input), QRectF(540, 440, 200, 400), 1.01));
    }

    void darknet()
    {
        const cv::Size input(320, 320), image(640, 480);   // plain resize
        std::vector<cv::Mat> outs{cv::Mat(4, 85, CV_32F, 0.f), cv::Mat(2, 85, CV_32F, 0.f)};
        float* r = outs[1].ptr<float>(1);
        r[0] = 0.5f;
        r[1] = 0.5f;
        r[2] = 0.25f;
        r[3] = 0.5f;
        r[4] = 0.9f;
        r[5 + 0] = 0.85f;   // already multiplied by objectness
        std::vector<Candidate> c;
        decodeOutputs(YoloFamily::Darknet, outs, {0.25f, input, nullptr}, c);
        QCOMPARE(int(c.size()), 1);
        QCOMPARE(c[0].classId, 0);
        QVERIFY(std::abs(c[0].score - 0.85f) < 1e-6f);
        QVERIFY(near(toImage(c[0], YoloFamily::Darknet, image, input), QRectF(240, 120, 160, 240)));
    }

    void boxesAreClamped()
    {
        const InputTransform t = makeInputTransform(defaultPreprocess(YoloFamily::Yolov5), {640, 480}, {640, 640});
        const QRectF b = t.boxToImage(cv::Rect2f(-50, 60, 800, 600));
        QCOMPARE(b, QRectF(0, 0, 640, 480));
    }

    void letterboxRoundTrip_data()
    {
        QTest::addColumn<int>("family");
        QTest::addColumn<int>("w");
        QTest::addColumn<int>("h");
        QTest::addColumn<int>("side");
        for (YoloFamily f : {YoloFamily::Yolox, YoloFamily::Yolov5, YoloFamily::Darknet})
            for (QSize s : {QSize(768, 576), QSize(640, 424), QSize(300, 900), QSize(1920, 1080)})
                QTest::addRow("%s %dx%d", qPrintable(familyId(f)), s.width(), s.height())
                    << int(f) << s.width() << s.height() << (f == YoloFamily::Darknet ? 320 : 416);
    }
    void letterboxRoundTrip()
    {
        QFETCH(int, family);
        QFETCH(int, w);
        QFETCH(int, h);
        QFETCH(int, side);
        const Preprocess pre = defaultPreprocess(YoloFamily(family));
        const InputTransform t = makeInputTransform(pre, {w, h}, {side, side});
        for (cv::Point2d p : {cv::Point2d(0, 0), cv::Point2d(w, h), cv::Point2d(w / 3.0, h * 0.7), cv::Point2d(w, 0)}) {
            const cv::Point2d in = t.toInput(p);
            QVERIFY(in.x >= -1e-9 && in.x <= side + 1e-9 && in.y >= -1e-9 && in.y <= side + 1e-9);
            const cv::Point2d back = t.toImage(in);
            QVERIFY(std::abs(back.x - p.x) < 1e-6 && std::abs(back.y - p.y) < 1e-6);
        }
        if (pre.fit == Preprocess::Fit::Letterbox) {
            // Aspect ratio kept (up to rounding) and the image touches both sides of one axis.
            QVERIFY(std::abs(t.sx - t.sy) < 2.0 / std::min(w, h));
            const cv::Point2d br = t.toInput({double(w), double(h)});
            QVERIFY(std::abs(br.x - side) < 0.5 + t.padX || std::abs(br.y - side) < 0.5 + t.padY);
            if (!pre.centred)
                QCOMPARE(cv::Point2d(t.padX, t.padY), cv::Point2d(0, 0));
        }
    }

    void blobLayout()
    {
        cv::Mat blue(100, 200, CV_8UC3, cv::Scalar(255, 0, 0));   // BGR blue, 2:1
        cv::Mat canvas, blob;
        // YOLOv5: centred letterbox, RGB, /255: 64x64 input gets rows 16..47 of image.
        Preprocess v5 = defaultPreprocess(YoloFamily::Yolov5);
        InputTransform t = makeInputTransform(v5, blue.size(), {64, 64});
        makeBlob(blue, v5, t, canvas, blob);
        QCOMPARE(blob.dims, 4);
        QCOMPARE(blob.size[1], 3);
        QCOMPARE(blob.size[2], 64);
        auto at = [&](int c, int y, int x) { return blob.ptr<float>(0, c)[y * 64 + x]; };
        QVERIFY(std::abs(at(0, 0, 0) - 114.f / 255) < 1e-5f);    // pad
        QVERIFY(std::abs(at(2, 32, 32) - 1.f) < 1e-5f);          // blue lands in channel 2 (RGB)
        QVERIFY(std::abs(at(0, 32, 32)) < 1e-5f);
        // YOLOX: top-left, BGR, raw 0..255.
        Preprocess x = defaultPreprocess(YoloFamily::Yolox);
        t = makeInputTransform(x, blue.size(), {64, 64});
        makeBlob(blue, x, t, canvas, blob);
        QCOMPARE(at(0, 0, 0), 255.f);     // image at the top-left, blue in channel 0
        QCOMPARE(at(0, 63, 63), 114.f);   // pad at the bottom
    }

    void nmsIsPerClass()
    {
        std::vector<Candidate> c{
            {0, 0.9f, cv::Rect2f(10, 10, 100, 100)},
            {0, 0.8f, cv::Rect2f(15, 12, 100, 100)},   // overlaps the first, same class: dropped
            {1, 0.7f, cv::Rect2f(12, 10, 100, 100)},   // same place, other class: kept
            {0, 0.6f, cv::Rect2f(300, 300, 50, 50)},   // elsewhere: kept
            {0, 0.1f, cv::Rect2f(500, 500, 50, 50)},   // below threshold
        };
        const std::vector<Candidate> kept = nmsPerClass(c, 0.25f, 0.45f);
        QCOMPARE(int(kept.size()), 3);
        QCOMPARE(kept[0].score, 0.9f);
        QCOMPARE(kept[1].classId, 1);
        QCOMPARE(kept[2].score, 0.6f);
    }

    void classFilter()
    {
        const std::vector<char> mask = classFilterMask(cocoClassNames(), 80, {"person", " Car ", "unicorn"});
        QCOMPARE(int(mask.size()), 80);
        QCOMPARE(std::count(mask.begin(), mask.end(), 1), 2);
        QVERIFY(mask[0] && mask[2]);
        QVERIFY(classFilterMask(cocoClassNames(), 80, {}).empty());

        cv::Mat out = tensor3(25200, 85);
        float* car = row(out, 1);
        car[2] = car[3] = 10;
        car[4] = 1.f;
        car[5 + 2] = 0.9f;
        float* dog = row(out, 2);
        dog[2] = dog[3] = 10;
        dog[4] = 1.f;
        dog[5 + 16] = 0.9f;
        std::vector<Candidate> c;
        decodeYolov5(out, {0.25f, {640, 640}, &mask}, c);
        QCOMPARE(int(c.size()), 1);
        QCOMPARE(c[0].classId, 2);
    }

    void classNames()
    {
        QCOMPARE(cocoClassNames().size(), 80);
        QCOMPARE(cocoClassNames().first(), QStringLiteral("person"));
        QCOMPARE(cocoClassNames().at(17), QStringLiteral("horse"));
        QCOMPARE(cocoClassNames().last(), QStringLiteral("toothbrush"));
        QCOMPARE(classNameAt({"a"}, 3), QStringLiteral("class 3"));

        QTemporaryDir dir;
        QFile f(dir.filePath("names.txt"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("cat\n\n  fire hydrant \r\ndog\n");
        f.close();
        QString error;
        QCOMPARE(loadClassNames(f.fileName(), &error), QStringList({"cat", "fire hydrant", "dog"}));
        QVERIFY(loadClassNames(dir.filePath("missing.txt"), &error).isEmpty());
        QVERIFY(error.contains("missing.txt"));
    }

    void darknetCfgSize()
    {
        QTemporaryDir dir;
        QFile f(dir.filePath("m.cfg"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("[net]\n# comment\nbatch=1\nwidth=608\nheight = 416\n\n[convolutional]\nwidth=3\n");
        f.close();
        QCOMPARE(darknetInputSize(f.fileName()), QSize(608, 416));
    }

    void manifest()
    {
        const QList<ManifestModel>& models = manifestModels();
        QVERIFY(models.size() >= 3);
        const ManifestModel* x = findManifestModel("/somewhere/yolox_nano_coco80_416_fp32.onnx");
        QVERIFY(x);
        QCOMPARE(x->family, YoloFamily::Yolox);
        QCOMPARE(x->inputSize, QSize(416, 416));
        QCOMPARE(x->preprocess, defaultPreprocess(YoloFamily::Yolox));
        const ManifestModel* d = findManifestModel("yolo-fastest-1.1-xl_coco80_320.cfg");
        QVERIFY(d);
        QCOMPARE(d->family, YoloFamily::Darknet);
        QCOMPARE(d->files.size(), 2);
        QCOMPARE(d->preprocess.fit, Preprocess::Fit::Resize);
        const ManifestModel* v5 = findManifestModel("yolov5n_coco80_640_fp32.onnx");
        QVERIFY(v5);
        QCOMPARE(v5->preprocess, defaultPreprocess(YoloFamily::Yolov5));
        for (const ManifestModel& m : models)
            for (const ManifestFile& f : m.files)
                QVERIFY2(f.url.startsWith("https://"), qPrintable(f.name));
        QVERIFY(!findManifestModel("other.onnx"));
    }
};

QTEST_GUILESS_MAIN(TstYoloDecode)
#include "tst_yolo_decode.moc"
