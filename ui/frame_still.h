#pragma once
// A still picture of a camera for editors (masks, zones): where it comes from and how it is decoded.
#include <QImage>
#include <QList>
#include <QRectF>
#include <functional>

#include "common/frame.h"

namespace vigil {

// The camera's latest result, or null (camera offline, or not added yet).
using FrameSource = std::function<ProcessedFramePtr()>;

// The unannotated picture of `frame` (its source JPEG), DCT-scaled to cover `needed` when that is
// valid. Falls back to the frame's own image (annotated) when the JPEG cannot be decoded.
QImage stillImage(const ProcessedFrame& frame, QSize needed = {});

// `boxes` in source pixels as 0..1 of `sourceSize` (empty when the size is unknown).
QList<QRectF> relativeBoxes(const QList<QRect>& boxes, QSize sourceSize);

} // namespace vigil
