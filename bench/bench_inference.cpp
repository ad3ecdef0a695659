// Inference latency per model and input size on a real photo: whole detect() (pre + forward + post)
// and forward alone. Usage: bench_inference [models dir] [photo] [runs]
#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QFile>
#include <algorithm>
#include <cstdio>
#include <opencv2/core.hpp>
#include <vector>

#include "bench_util.h"
#include "detection/detector.h"
#include "detection/yolo_detector.h"
#include "processing/jpeg_codec.h"

using namespace vigil;
using namespace vigil::bench;

namespace {

// Photo as 8-bit BGR through the app's own decoder.
cv::Mat readBgr(const QString& path)
{
    QFile f(path);
    cv::Mat bgr;
    JpegDecoder decoder;
    return f.open(QIODevice::ReadOnly) && decoder.decodeBgr(f.readAll(), bgr) ? bgr : cv::Mat();
}

struct Case {
    const char* file;
    int side;
};

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    const QString modelsDir = args.size() > 1 ? args[1] : sharedDir("VIGIL_MODELS_DIR", "models");
    const QString photo = args.size() > 2 ? args[2] : sharedDir("VIGIL_TESTDATA_DIR", "testdata") + "/dog.jpg";
    const int runs = args.size() > 3 ? std::max(1, args[3].toInt()) : 30;

    cv::setNumThreads(2);   // the scheduler's usual budget on a 2-core machine
    const cv::Mat bgr = readBgr(photo);
    if (bgr.empty()) {
        std::fprintf(stderr, "cannot read photo %s\n", qPrintable(photo));
        return 1;
    }
    std::printf("photo %s (%dx%d), %d runs, %d OpenCV threads\n", qPrintable(photo), bgr.cols, bgr.rows, runs,
                cv::getNumThreads());
    std::printf("%-44s %9s %9s %9s %9s %5s\n", "model", "total-med", "total-p90", "fwd-med", "fwd-p90", "dets");

    const Case cases[] = {
        {"yolox_nano_coco80_416_fp32.onnx", 416},
        {"yolox_nano_coco80_416_fp32.onnx", 320},
        {"yolov5n_coco80_640_fp32.onnx", 640},
        {"yolo-fastest-1.1-xl_coco80_320.cfg", 320},
    };
    for (const Case& c : cases) {
        DetectorSettings s;
        s.modelPath = QDir(modelsDir).filePath(c.file);
        if (!QFileInfo::exists(s.modelPath)) {
            std::printf("%-44s skipped (not found)\n", c.file);
            continue;
        }
        s.inputSize = QSize(c.side, c.side);
        QString error;
        auto det = createDetector(s, &error);
        auto* yolo = dynamic_cast<YoloDetector*>(det.get());
        if (!yolo) {
            std::printf("%-44s failed: %s\n", c.file, qPrintable(error));
            continue;
        }
        yolo->detect(bgr);   // warm-up on the photo itself
        std::vector<double> total, forward;
        int dets = 0;
        for (int i = 0; i < runs; ++i) {
            dets = int(yolo->detect(bgr).size());
            total.push_back(yolo->lastTimings().totalMs());
            forward.push_back(yolo->lastTimings().forwardMs);
        }
        const QString label = QStringLiteral("%1 @%2").arg(QFileInfo(c.file).completeBaseName()).arg(c.side);
        std::printf("%-44s %9.1f %9.1f %9.1f %9.1f %5d\n", qPrintable(label), percentile(total, 0.5),
                    percentile(total, 0.9), percentile(forward, 0.5), percentile(forward, 0.9), dets);
    }
    return 0;
}
