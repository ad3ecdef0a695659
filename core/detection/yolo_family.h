#pragma once
// YOLO output families and how to tell them apart from the network's output shape.
#include <QString>
#include <opencv2/core.hpp>
#include <vector>

namespace vigil {

enum class YoloFamily { Unknown, Yolox, Yolov5, Yolov8, Darknet };

QString familyId(YoloFamily f);          // "yolox", "yolov5", "yolov8", "darknet"
QString familyLabel(YoloFamily f);       // "YOLOX", "YOLOv5", ...
YoloFamily familyFromId(const QString& id); // Unknown for anything else

// Grid cells over strides 8, 16, 32 (YOLOX rows; YOLOv8 columns): 3549 at 416x416, 8400 at 640.
int gridCellCount(cv::Size input);

// Rows x columns of a single-image output tensor: [1, a, b] or [a, b]. False for other ranks.
bool outputMatrixShape(const cv::Mat& out, int* rows, int* cols);

struct OutputLayout {
    YoloFamily family = YoloFamily::Unknown;
    int numClasses = 0;
    QString reason;   // why the layout was rejected (when family is Unknown)
};

// Family of a single-output ONNX model from its output tensor at input size `input`.
// `hint` (from the manifest) wins when the shape is compatible with it. Without a hint:
//  - [1, 4+C, N] with 4+C < N: YOLOv8/YOLO11 (transposed, no objectness);
//  - [1, N, 5+C] with N == grid cells at strides 8/16/32 (3549 at 416): YOLOX raw grid output;
//  - [1, N, 5+C] with N == 3 x grid cells (3 anchors; also with a stride-64 head): YOLOv5;
//  - any other N: raw YOLOX rows carry log-space w,h (small, some negative) while YOLOv5 rows carry
//    positive sizes in input pixels, so the values of the warm-up output decide.
OutputLayout detectOnnxLayout(const cv::Mat& out, cv::Size input, YoloFamily hint);

// Darknet: every output is [N, 5+C] with the same C.
OutputLayout detectDarknetLayout(const std::vector<cv::Mat>& outs);

} // namespace vigil
