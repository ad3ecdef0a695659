#include "detection/preprocess.h"

#include <algorithm>
#include <cmath>
#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>

namespace vigil {

Preprocess defaultPreprocess(YoloFamily family)
{
    Preprocess p;
    switch (family) {
    case YoloFamily::Yolox:
        p.centred = false;
        p.rgb = false;
        p.scale = 1.0;
        break;
    case YoloFamily::Darknet:
        p.fit = Preprocess::Fit::Resize;
        break;
    default:
        break;
    }
    return p;
}

InputTransform makeInputTransform(const Preprocess& pre, cv::Size image, cv::Size input)
{
    InputTransform t;
    t.image = image;
    t.input = input;
    if (image.width <= 0 || image.height <= 0)
        return t;
    if (pre.fit == Preprocess::Fit::Resize) {
        t.sx = double(input.width) / image.width;
        t.sy = double(input.height) / image.height;
        return t;
    }
    const double r = std::min(double(input.width) / image.width, double(input.height) / image.height);
    const int w = std::max(1, int(std::lround(image.width * r)));
    const int h = std::max(1, int(std::lround(image.height * r)));
    // Exact per-axis scale of the resized image, so rounding does not shift boxes.
    t.sx = double(w) / image.width;
    t.sy = double(h) / image.height;
    if (pre.centred) {
        t.padX = (input.width - w) / 2;
        t.padY = (input.height - h) / 2;
    }
    return t;
}

QRectF InputTransform::boxToImage(const cv::Rect2f& b) const
{
    const cv::Point2d tl = toImage({b.x, b.y});
    const cv::Point2d br = toImage({b.x + b.width, b.y + b.height});
    const double x1 = std::clamp(tl.x, 0.0, double(image.width));
    const double y1 = std::clamp(tl.y, 0.0, double(image.height));
    const double x2 = std::clamp(br.x, 0.0, double(image.width));
    const double y2 = std::clamp(br.y, 0.0, double(image.height));
    return QRectF(x1, y1, std::max(0.0, x2 - x1), std::max(0.0, y2 - y1));
}

void makeBlob(const cv::Mat& bgr, const Preprocess& pre, const InputTransform& t, cv::Mat& canvas,
              cv::Mat& blob)
{
    if (pre.fit == Preprocess::Fit::Resize) {
        cv::dnn::blobFromImage(bgr, blob, pre.scale, t.input, cv::Scalar(), pre.rgb, false, CV_32F);
        return;
    }
    canvas.create(t.input, CV_8UC3);
    canvas.setTo(cv::Scalar::all(pre.pad));
    const int w = std::min(t.input.width, int(std::lround(t.image.width * t.sx)));
    const int h = std::min(t.input.height, int(std::lround(t.image.height * t.sy)));
    cv::Mat roi = canvas(cv::Rect(int(t.padX), int(t.padY), w, h));
    if (bgr.size() == roi.size())
        bgr.copyTo(roi);
    else
        cv::resize(bgr, roi, roi.size(), 0, 0, cv::INTER_LINEAR);
    cv::dnn::blobFromImage(canvas, blob, pre.scale, cv::Size(), cv::Scalar(), pre.rgb, false, CV_32F);
}

} // namespace vigil
