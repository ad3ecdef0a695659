#pragma once
// Object detector interface. One instance per inference worker: implementations need not be
// thread-safe (cv::dnn::Net is not).
#include <QSize>
#include <QString>
#include <QStringList>
#include <QVector>
#include <memory>
#include <opencv2/core.hpp>

#include "common/frame.h"

namespace vigil {

struct DetectorSettings {
    QString modelPath;          // .onnx, or Darknet .cfg with .weights of the same stem beside it
    QString classNamesPath;     // empty: COCO names
    float confThreshold = 0.25f;
    float nmsThreshold = 0.45f;
    QStringList classFilter;    // empty: all classes; else only these names
    QSize inputSize;            // network input; invalid: the model's own (ONNX shape, cfg, manifest)
    bool operator==(const DetectorSettings&) const = default;
};

class Detector {
public:
    virtual ~Detector() = default;
    virtual QString modelName() const = 0;   // e.g. "yolox_nano_coco80_416_fp32 (YOLOX)"
    virtual QSize inputSize() const = 0;     // network input (w, h)
    // Detects on a BGR image. Boxes are in `bgr` pixel coordinates; the caller rescales them.
    // Applies the confidence threshold, NMS and class filter from the settings it was made with.
    virtual QVector<Detection> detect(const cv::Mat& bgr) = 0;
    // Thresholds and class filter may change at runtime without reloading the model.
    virtual void setThresholds(float conf, float nms, const QStringList& classFilter) = 0;
};

// Loads the model named by settings. On failure returns nullptr and sets *error to a message that
// names the file and the reason (missing, corrupt, unsupported output layout, ...).
std::unique_ptr<Detector> createDetector(const DetectorSettings& settings, QString* error);

// Model search order: `requested` when not empty, else $VIGIL_MODEL, else the first manifest model
// present in the user's data directory (<AppDataLocation>/models), else in the installed share
// directory (VIGIL_SHARE_DIR/models). Empty when none is found; `searched` lists where it looked.
QString resolveModelPath(const QString& requested, QStringList* searched = nullptr);

// The Darknet weights beside a .cfg (same stem, .weights); empty for any other model file.
QString darknetWeightsFor(const QString& modelPath);

// Every complete manifest model in the user's data directory, then the share directory: what a
// user can pick from without browsing for a file.
QStringList installedModels();

// One or two sentences telling the user how to get a model (models/fetch.sh, --model, $VIGIL_MODEL).
QString modelHelpText();

} // namespace vigil
