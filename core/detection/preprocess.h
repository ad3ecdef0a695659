#pragma once
// Network input preparation (letterbox or plain resize) and the mapping between image and input pixels.
#include <QRectF>
#include <opencv2/core.hpp>

#include "detection/yolo_family.h"

namespace vigil {

struct Preprocess {
    enum class Fit { Letterbox, Resize };
    Fit fit = Fit::Letterbox;
    bool centred = true;        // letterbox position: centred (ultralytics) or top-left (YOLOX)
    int pad = 114;              // letterbox fill value
    bool rgb = true;            // swap BGR to RGB
    double scale = 1.0 / 255.0; // multiplied into the 0..255 pixel values
    bool operator==(const Preprocess&) const = default;
};

// What each family was trained with (see ../shared/models/README.md and models/manifest.json).
Preprocess defaultPreprocess(YoloFamily family);

// Affine map image pixel -> network input pixel: input = image * s + pad.
struct InputTransform {
    double sx = 1.0, sy = 1.0;
    double padX = 0.0, padY = 0.0;
    cv::Size image;
    cv::Size input;
    cv::Point2d toInput(cv::Point2d p) const { return {p.x * sx + padX, p.y * sy + padY}; }
    cv::Point2d toImage(cv::Point2d p) const { return {(p.x - padX) / sx, (p.y - padY) / sy}; }
    // An input-pixel box in image pixels, clamped to the image (may come back empty).
    QRectF boxToImage(const cv::Rect2f& inputBox) const;
};

InputTransform makeInputTransform(const Preprocess& pre, cv::Size image, cv::Size input);

// Writes the NCHW float blob for `bgr` (8-bit BGR). `canvas` is scratch kept by the caller so
// repeated calls do not reallocate.
void makeBlob(const cv::Mat& bgr, const Preprocess& pre, const InputTransform& t, cv::Mat& canvas,
              cv::Mat& blob);

} // namespace vigil
