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

// What an editor (masks, zones) draws on: the camera's newest frame, decoded once per new frame,
// else the connection test's frame until the camera has one.
class StillFeed {
public:
    enum class Kind {
        Unchanged,   // nothing new to show
        Live,        // a new frame: `frame` and `image` are set
        Fallback,    // no frame yet: `image` is the fallback
        None,        // no frame and no fallback
    };
    struct Update {
        Kind kind = Kind::Unchanged;
        ProcessedFramePtr frame;
        QImage image;
    };
    StillFeed(FrameSource source, QImage fallback) : m_source(std::move(source)), m_fallback(std::move(fallback)) {}
    Update poll();
    void forget() { m_lastSeq = 0; }   // the next poll shows the current frame again

private:
    FrameSource m_source;
    QImage m_fallback;
    quint64 m_lastSeq = 0;
    bool m_live = false;
};

} // namespace vigil
