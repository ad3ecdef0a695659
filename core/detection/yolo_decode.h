#pragma once
// Turns raw YOLO output tensors into scored boxes in network-input pixels, and class-aware NMS.
#include <opencv2/core.hpp>
#include <vector>

#include "detection/yolo_family.h"

namespace vigil {

struct Candidate {
    int classId = -1;
    float score = 0.f;
    cv::Rect2f box;   // network-input pixels (x, y, w, h)
};

struct DecodeOptions {
    float confThreshold = 0.25f;
    cv::Size input;                        // network input size
    const std::vector<char>* allowed = nullptr; // per class id: keep? null or empty: all classes
};

// Appends candidates scoring >= the threshold; each box takes its best class, dropped when that
// class is filtered out.
// YOLOX [1, N, 5+C]: raw grid rows, decoded per cell over strides 8, 16, 32.
void decodeYolox(const cv::Mat& out, const DecodeOptions& o, std::vector<Candidate>& cands);
// YOLOv5 [1, N, 5+C]: cx, cy, w, h in input pixels, objectness, class scores.
void decodeYolov5(const cv::Mat& out, const DecodeOptions& o, std::vector<Candidate>& cands);
// YOLOv8/YOLO11 [1, 4+C, N]: transposed, no objectness.
void decodeYolov8(const cv::Mat& out, const DecodeOptions& o, std::vector<Candidate>& cands);
// Darknet [N, 5+C] per YOLO layer: cx, cy, w, h normalised 0..1, objectness, class * objectness.
void decodeDarknet(const std::vector<cv::Mat>& outs, const DecodeOptions& o, std::vector<Candidate>& cands);

void decodeOutputs(YoloFamily family, const std::vector<cv::Mat>& outs, const DecodeOptions& o,
                   std::vector<Candidate>& cands);

// cv::dnn::NMSBoxes run separately for each class; result sorted by score, best first.
std::vector<Candidate> nmsPerClass(const std::vector<Candidate>& cands, float confThreshold, float nmsThreshold);

} // namespace vigil
