#pragma once
// The Detector for every YOLO family run through cv::dnn (ONNX or Darknet).
#include <QStringList>
#include <opencv2/dnn.hpp>
#include <string>
#include <vector>

#include "detection/detector.h"
#include "detection/preprocess.h"
#include "detection/yolo_decode.h"
#include "detection/yolo_family.h"

namespace vigil {

struct ModelSpec {
    QString path;
    QString name;             // manifest name or file stem
    YoloFamily family = YoloFamily::Unknown;
    cv::Size input;
    Preprocess preprocess;
    int numClasses = 0;
    std::vector<std::string> outputNames; // the outputs to decode, in order
};

// Time spent in the last detect() call, for benchmarks and stats.
struct DetectTimings {
    double preMs = 0;
    double forwardMs = 0;
    double postMs = 0;
    double totalMs() const { return preMs + forwardMs + postMs; }
};

class YoloDetector final : public Detector {
public:
    YoloDetector(cv::dnn::Net net, ModelSpec spec, QStringList classNames, const DetectorSettings& settings);

    QString modelName() const override;
    QSize inputSize() const override { return {m_spec.input.width, m_spec.input.height}; }
    QVector<Detection> detect(const cv::Mat& bgr) override;
    void setThresholds(float conf, float nms, const QStringList& classFilter) override;

    YoloFamily family() const { return m_spec.family; }
    const QStringList& classNames() const { return m_classNames; }
    const DetectTimings& lastTimings() const { return m_timings; }

private:
    cv::dnn::Net m_net;
    ModelSpec m_spec;
    QStringList m_classNames;
    float m_conf = 0.25f;
    float m_nms = 0.45f;
    std::vector<char> m_allowed;   // per class id; empty: all
    DetectTimings m_timings;
    // Reused between frames to avoid per-frame allocations.
    cv::Mat m_canvas, m_blob, m_bgr;
    std::vector<cv::Mat> m_outs;
    std::vector<Candidate> m_cands;
};

// Per-class-id keep flags for a filter of class names (case-insensitive); empty when no filter.
std::vector<char> classFilterMask(const QStringList& classNames, int numClasses, const QStringList& filter);

} // namespace vigil
