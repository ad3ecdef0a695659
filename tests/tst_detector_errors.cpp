// createDetector on bad input: nullptr and a message naming the file, never a throw or a crash.
// Also where resolveModelPath looks.
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include "detection/detector.h"
#include "processing/frame_processor.h"
#include "test_util.h"

using namespace vigil;

namespace {

// Protobuf wire-format writer, enough for a one-node ONNX model.
QByteArray varint(quint64 v)
{
    QByteArray b;
    do {
        b += char((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
        v >>= 7;
    } while (v);
    return b;
}
QByteArray intField(int field, quint64 v) { return varint(quint64(field) << 3) + varint(v); }
QByteArray bytesField(int field, const QByteArray& payload)
{
    return varint((quint64(field) << 3) | 2) + varint(quint64(payload.size())) + payload;
}
QByteArray tensorValue(const QByteArray& name, std::initializer_list<int> dims)
{
    QByteArray shape;
    for (int d : dims)
        shape += bytesField(1, intField(1, quint64(d)));
    const QByteArray tensorType = intField(1, 1 /* FLOAT */) + bytesField(2, shape);
    return bytesField(1, name) + bytesField(2, bytesField(1, tensorType));
}
// y = Relu(x), x and y [1, 3, 8, 8]: a valid ONNX model whose output is no YOLO layout.
QByteArray reluModel()
{
    const QByteArray node = bytesField(1, "x") + bytesField(2, "y") + bytesField(3, "relu") + bytesField(4, "Relu");
    const QByteArray graph = bytesField(1, node) + bytesField(2, "g") + bytesField(11, tensorValue("x", {1, 3, 8, 8}))
                             + bytesField(12, tensorValue("y", {1, 3, 8, 8}));
    const QByteArray opset = bytesField(1, "") + intField(2, 11);
    return intField(1, 7) + bytesField(7, graph) + bytesField(8, opset);
}

bool writeFile(const QString& path, const QByteArray& data)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(data) == data.size();
}

} // namespace

class TstDetectorErrors : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

    void expectFailure(const QString& path, const QString& reasonPart = {})
    {
        DetectorSettings s;
        s.modelPath = path;
        QString error;
        std::unique_ptr<Detector> det;
        try {
            det = createDetector(s, &error);
        } catch (...) {
            QFAIL("createDetector threw");
        }
        QVERIFY(!det);
        QVERIFY2(error.contains(QFileInfo(path).fileName()), qPrintable(error));
        if (!reasonPart.isEmpty())
            QVERIFY2(error.contains(reasonPart, Qt::CaseInsensitive), qPrintable(error));
        createDetector(s, nullptr);   // a null error pointer is fine too
    }

private slots:
    void workerRetriesAModelOnceItsFileChangesAndFreesUnusedOnes()
    {
        const QByteArray real = test::readFile(test::modelsDir() + "/yolox_nano_coco80_416_fp32.onnx");
        if (real.isEmpty())
            QSKIP(qPrintable("models folder absent: " + test::modelsDir()));
        WorkerContext ctx;
        DetectorSettings s;
        s.modelPath = m_dir.filePath("later.onnx");
        QString error;
        qint64 t = 1'000'000'000;
        QVERIFY(!ctx.detectorFor(s, &error, t));
        QVERIFY2(error.contains("later.onnx"), qPrintable(error));
        // The user fetches the model while the app runs: picked up without a restart.
        QVERIFY(writeFile(s.modelPath, real));
        t += WorkerContext::kRecheckFailedNs / 2;
        QVERIFY(!ctx.detectorFor(s, &error, t));  // not re-checked on every frame
        t += WorkerContext::kRecheckFailedNs;
        QVERIFY(ctx.detectorFor(s, &error, t));
        QCOMPARE(ctx.loadedDetectorCount(), size_t(1));
        // Another input size is another net.
        DetectorSettings small = s;
        small.inputSize = QSize(320, 320);
        Detector* d = ctx.detectorFor(small, &error, t);
        QVERIFY(d);
        QCOMPARE(d->inputSize(), QSize(320, 320));
        QCOMPARE(ctx.loadedDetectorCount(), size_t(2));
        // Only the 320 net stays in use; the 416 one is freed after a while.
        for (int i = 0; i < 10; ++i) {
            t += WorkerContext::kUnusedNs / 4;
            QVERIFY(ctx.detectorFor(small, &error, t));
        }
        QCOMPARE(ctx.loadedDetectorCount(), size_t(1));
    }

    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void missingFile() { expectFailure(m_dir.filePath("nope.onnx"), "not found"); }

    void emptyPath()
    {
        QString error;
        QVERIFY(!createDetector(DetectorSettings{}, &error));
        QVERIFY(!error.isEmpty());
    }

    void directory()
    {
        QVERIFY(QDir(m_dir.path()).mkpath("dir.onnx"));
        expectFailure(m_dir.filePath("dir.onnx"));
    }

    void emptyFile()
    {
        QVERIFY(writeFile(m_dir.filePath("empty.onnx"), {}));
        expectFailure(m_dir.filePath("empty.onnx"), "empty");
    }

    void truncatedOnnx()
    {
        const QByteArray real = test::readFile(test::modelsDir() + "/yolox_nano_coco80_416_fp32.onnx");
        if (real.isEmpty())
            QSKIP(qPrintable("models folder absent: " + test::modelsDir()));
        QVERIFY(writeFile(m_dir.filePath("truncated.onnx"), real.left(1000)));
        expectFailure(m_dir.filePath("truncated.onnx"));
    }

    void garbageOnnx()
    {
        QByteArray junk;
        for (int i = 0; i < 4096; ++i)
            junk += char((i * 7919 + 13) & 0xff);
        QVERIFY(writeFile(m_dir.filePath("garbage.onnx"), junk));
        expectFailure(m_dir.filePath("garbage.onnx"));
        QVERIFY(writeFile(m_dir.filePath("text.onnx"), "this is not a model\n"));
        expectFailure(m_dir.filePath("text.onnx"));
    }

    void unsupportedOutputLayout()
    {
        QVERIFY(writeFile(m_dir.filePath("relu.onnx"), reluModel()));
        expectFailure(m_dir.filePath("relu.onnx"), "layout");
    }

    void cfgWithoutWeights()
    {
        QVERIFY(writeFile(m_dir.filePath("lonely.cfg"), "[net]\nwidth=320\nheight=320\n"));
        expectFailure(m_dir.filePath("lonely.cfg"), "weights");
    }

    void garbageDarknet()
    {
        QVERIFY(writeFile(m_dir.filePath("junk.cfg"), "[net]\nwidth=32\nheight=32\n[bogus]\nsize=3\n"));
        QVERIFY(writeFile(m_dir.filePath("junk.weights"), QByteArray(64, '\x01')));
        expectFailure(m_dir.filePath("junk.cfg"));
    }

    void truncatedDarknetWeights()
    {
        const QString cfg = test::modelsDir() + "/yolo-fastest-1.1-xl_coco80_320.cfg";
        const QByteArray weights = test::readFile(test::modelsDir() + "/yolo-fastest-1.1-xl_coco80_320.weights");
        if (weights.isEmpty())
            QSKIP(qPrintable("models folder absent: " + test::modelsDir()));
        QVERIFY(QFile::copy(cfg, m_dir.filePath("short.cfg")));
        QVERIFY(writeFile(m_dir.filePath("short.weights"), weights.left(1000)));
        expectFailure(m_dir.filePath("short.cfg"));
    }

    void unsupportedExtension()
    {
        QVERIFY(writeFile(m_dir.filePath("model.pt"), "PK\x03\x04"));
        expectFailure(m_dir.filePath("model.pt"), "unsupported");
    }

    void badClassNamesFile()
    {
        const QString model = test::modelsDir() + "/yolo-fastest-1.1-xl_coco80_320.cfg";
        if (!QFileInfo::exists(model))
            QSKIP(qPrintable("models folder absent: " + test::modelsDir()));
        DetectorSettings s;
        s.modelPath = model;
        s.classNamesPath = m_dir.filePath("no-such.names");
        QString error;
        QVERIFY(!createDetector(s, &error));
        QVERIFY2(error.contains("no-such.names"), qPrintable(error));
    }

    void resolveOrder()
    {
        QStandardPaths::setTestModeEnabled(false);
        qputenv("XDG_DATA_HOME", QFile::encodeName(m_dir.filePath("xdg")));
        QCoreApplication::setOrganizationName("Vigil");
        QCoreApplication::setApplicationName("vigil");
        const QString userDir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + "/models";
        QCOMPARE(userDir, m_dir.filePath("xdg") + "/Vigil/vigil/models");   // what models/fetch.sh uses

        QStringList searched;
        QCOMPARE(resolveModelPath("/x/requested.onnx", &searched), QStringLiteral("/x/requested.onnx"));
        qputenv("VIGIL_MODEL", "/x/env.onnx");
        QCOMPARE(resolveModelPath({}, &searched), QStringLiteral("/x/env.onnx"));
        qunsetenv("VIGIL_MODEL");

        // Nothing installed: empty, and both folders were searched.
        if (QFileInfo::exists(QStringLiteral(VIGIL_SHARE_DIR "/models")))
            QSKIP("a system-wide model folder exists; cannot test the empty case");
        QVERIFY(resolveModelPath({}, &searched).isEmpty());
        QVERIFY(searched.contains(userDir));
        QVERIFY(!modelHelpText().isEmpty());

        // A Darknet model counts only with both files; the first complete manifest entry wins.
        QVERIFY(QDir().mkpath(userDir));
        QVERIFY(writeFile(userDir + "/yolo-fastest-1.1-xl_coco80_320.cfg", "x"));
        QVERIFY(resolveModelPath({}, &searched).isEmpty());
        QVERIFY(writeFile(userDir + "/yolo-fastest-1.1-xl_coco80_320.weights", "x"));
        QVERIFY(writeFile(userDir + "/yolov5n_coco80_640_fp32.onnx", "x"));
        QCOMPARE(resolveModelPath({}), userDir + "/yolo-fastest-1.1-xl_coco80_320.cfg");
        QVERIFY(writeFile(userDir + "/yolox_nano_coco80_416_fp32.onnx", "x"));
        QCOMPARE(resolveModelPath({}), userDir + "/yolox_nano_coco80_416_fp32.onnx");
    }
};

QTEST_GUILESS_MAIN(TstDetectorErrors)
#include "tst_detector_errors.moc"
