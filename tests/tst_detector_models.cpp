// Real models on real photos: each must find the objects listed in testdata/objects.json.
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>
#include <map>
#include <memory>

#include "detection/detector.h"
#include "detection/model_input_size.h"
#include "test_util.h"

using namespace vigil;

namespace {

struct ModelCase {
    const char* key;
    const char* file;
    QSize inputSize;      // invalid: the model's own
    QSize expectedInput;
    bool cowIsHorse;      // Yolo-Fastest labels some horses cow (shared README)
};

const ModelCase kModels[] = {
    {"yolox416", "yolox_nano_coco80_416_fp32.onnx", {}, {416, 416}, false},
    {"yolox320", "yolox_nano_coco80_416_fp32.onnx", {320, 320}, {320, 320}, false},
    {"yolov5n", "yolov5n_coco80_640_fp32.onnx", {}, {640, 640}, false},
    {"yolofastest", "yolo-fastest-1.1-xl_coco80_320.cfg", {}, {320, 320}, true},
};

double iou(const QRectF& a, const QRectF& b)
{
    const QRectF i = a.intersected(b);
    const double inter = i.width() * i.height();
    const double uni = a.width() * a.height() + b.width() * b.height() - inter;
    return uni > 0 ? inter / uni : 0;
}

} // namespace

class TstDetectorModels : public QObject {
    Q_OBJECT
    std::map<QString, std::unique_ptr<Detector>> m_detectors;   // loaded once, by case key
    QJsonObject m_photos;

private slots:
    void initTestCase()
    {
        if (!QFileInfo(test::modelsDir()).isDir())
            QSKIP(qPrintable("models folder absent: " + test::modelsDir() + " (set VIGIL_MODELS_DIR)"));
        if (!QFileInfo(test::testdataDir()).isDir())
            QSKIP(qPrintable("test photos absent: " + test::testdataDir() + " (set VIGIL_TESTDATA_DIR)"));
        const QJsonDocument doc =
            QJsonDocument::fromJson(test::readFile(test::testdataDir() + "/objects.json"));
        m_photos = doc.object().value("photos").toObject();
        QVERIFY2(!m_photos.isEmpty(), "objects.json missing or empty");
        for (const ModelCase& mc : kModels) {
            DetectorSettings s;
            s.modelPath = QDir(test::modelsDir()).filePath(mc.file);
            s.inputSize = mc.inputSize;
            QString error;
            auto det = createDetector(s, &error);
            QVERIFY2(det, qPrintable(error));
            QCOMPARE(det->inputSize(), mc.expectedInput);
            m_detectors[mc.key] = std::move(det);
        }
    }

    void onnxInputShape()
    {
        QCOMPARE(onnxInputSizeOfFile(test::modelsDir() + "/yolox_nano_coco80_416_fp32.onnx"), QSize(416, 416));
        QCOMPARE(onnxInputSizeOfFile(test::modelsDir() + "/yolov5n_coco80_640_fp32.onnx"), QSize(640, 640));
        QCOMPARE(darknetInputSize(test::modelsDir() + "/yolo-fastest-1.1-xl_coco80_320.cfg"), QSize(320, 320));
    }

    void modelNames()
    {
        QVERIFY(m_detectors.at("yolox416")->modelName().contains("YOLOX"));
        QVERIFY(m_detectors.at("yolov5n")->modelName().contains("YOLOv5"));
        QVERIFY(m_detectors.at("yolofastest")->modelName().contains("Darknet"));
    }

    void findsObjects_data()
    {
        QTest::addColumn<QString>("model");
        QTest::addColumn<QString>("photo");
        for (const ModelCase& mc : kModels)
            for (const QString& photo : m_photos.keys())
                QTest::addRow("%s %s", mc.key, qPrintable(photo)) << QString(mc.key) << photo;
    }
    void findsObjects()
    {
        QFETCH(QString, model);
        QFETCH(QString, photo);
        const ModelCase* mc = nullptr;
        for (const ModelCase& c : kModels)
            if (model == c.key)
                mc = &c;
        Detector& det = *m_detectors.at(model);
        det.setThresholds(0.25f, 0.45f, {});
        const QString path = test::testdataDir() + "/" + photo;
        const cv::Mat bgr = test::readPhotoBgr(path);
        QVERIFY2(!bgr.empty(), qPrintable("cannot read " + path));
        const QJsonObject spec = m_photos.value(photo).toObject();
        const QVector<Detection> dets = det.detect(bgr);

        QStringList seen;
        for (const Detection& d : dets) {
            seen << QStringLiteral("%1 %2 [%3 %4 %5 %6]").arg(d.name).arg(d.score, 0, 'f', 2)
                        .arg(d.box.left(), 0, 'f', 0).arg(d.box.top(), 0, 'f', 0)
                        .arg(d.box.right(), 0, 'f', 0).arg(d.box.bottom(), 0, 'f', 0);
            QVERIFY(d.score >= 0.25f);
            QVERIFY(d.box.left() >= 0 && d.box.top() >= 0);
            QVERIFY(d.box.right() <= bgr.cols + 1e-3 && d.box.bottom() <= bgr.rows + 1e-3);
        }
        qDebug().noquote() << seen.join(QStringLiteral("; "));
        int found = 0;
        QVector<bool> used(dets.size(), false);
        for (const QJsonValue& ov : spec.value("objects").toArray()) {
            const QJsonObject o = ov.toObject();
            QStringList classes;
            for (const QJsonValue& c : o.value("class").toArray())
                classes << c.toString();
            if (mc->cowIsHorse && classes.contains("horse"))
                classes << "cow";
            const QJsonArray b = o.value("box").toArray();
            const QRectF truth(QPointF(b[0].toDouble(), b[1].toDouble()), QPointF(b[2].toDouble(), b[3].toDouble()));
            for (int i = 0; i < dets.size(); ++i) {
                if (!used[i] && classes.contains(dets[i].name) && iou(dets[i].box, truth) >= 0.5) {
                    used[i] = true;
                    ++found;
                    break;
                }
            }
        }
        const int minFound = spec.value("min_found").toInt();
        QVERIFY2(found >= minFound, qPrintable(QStringLiteral("found %1 of %2 needed; detections: %3")
                                                   .arg(found).arg(minFound).arg(seen.join("; "))));
    }

    void classFilterAndThresholds()
    {
        Detector& det = *m_detectors.at("yolox416");
        const cv::Mat bgr = test::readPhotoBgr(test::testdataDir() + "/person.jpg");
        QVERIFY(!bgr.empty());
        det.setThresholds(0.25f, 0.45f, {"person"});
        QVector<Detection> dets = det.detect(bgr);
        QVERIFY(!dets.isEmpty());
        for (const Detection& d : dets)
            QCOMPARE(d.name, QStringLiteral("person"));
        det.setThresholds(0.99f, 0.45f, {});
        QVERIFY(det.detect(bgr).isEmpty());
        det.setThresholds(0.25f, 0.45f, {});
        QVERIFY(det.detect(bgr).size() >= 3);
        QVERIFY(det.detect(cv::Mat()).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TstDetectorModels)
#include "tst_detector_models.moc"
