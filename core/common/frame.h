#pragma once
// Frame types that travel between pipeline stages.
#include <QByteArray>
#include <QImage>
#include <QList>
#include <QPair>
#include <QRect>
#include <QRectF>
#include <QString>
#include <QVector>
#include <memory>

namespace vigil {

using PartHeaders = QList<QPair<QByteArray, QByteArray>>;

// What the motion stage found in a frame, carried with it to the detector.
struct FrameMotion {
    bool motion = false;
    double motionPct = 0;
    QList<QRect> boxes;           // source pixels
    QRect focus;                  // where the detector should look; empty: the whole frame
};

// A frame as read from the camera: still compressed. Cheap to move (QByteArray is shared).
struct EncodedFrame {
    QByteArray jpeg;
    quint64 seq = 0;              // per-camera read sequence number (1-based)
    qint64 receivedNs = 0;        // steady clock (vigil::nowNs) when the last byte arrived
    qint64 captureUs = -1;        // camera timestamp (e.g. ESP32 X-Timestamp) in microseconds, -1 if none
    PartHeaders headers;          // part headers as sent by the camera
    FrameMotion motion;           // filled by the motion stage
    QByteArray header(const QByteArray& name) const; // case-insensitive lookup, empty if absent
};

struct Detection {
    int classId = -1;
    QString name;
    float score = 0.f;
    QRectF box;                   // in source-image pixels (x, y, w, h)
};

// What a consumer wants from each processed frame. The processor decodes once at the largest size
// any consumer needs, then makes one rendition per distinct format.
struct FrameFormat {
    QSize maxSize;                // fitted to the source's aspect ratio, never upscaled; invalid: source size
    bool image = false;           // a QImage (e.g. to paint)
    bool jpeg = false;            // an encoded JPEG (e.g. to send)
    bool wantsPixels() const { return image || jpeg; }
    bool operator==(const FrameFormat&) const = default;
};

// A processed result in one consumer's format: annotated, ready for display or rebroadcast.
// `image` and `jpeg` (when present) are both exactly `size`. Immutable once published.
struct ProcessedFrame {
    QString cameraId;
    quint64 seq = 0;
    qint64 receivedNs = 0;        // copied from EncodedFrame
    qint64 processedNs = 0;       // steady clock when processing finished (result delivered)
    qint64 captureUs = -1;
    qint64 wallMs = 0;            // wall-clock ms since epoch at delivery (for sidecars, clients)
    QSize sourceSize;             // size of the camera's JPEG: detection boxes are in these pixels
    QSize size;                   // size of image and jpeg (this rendition); invalid when neither
    QImage image;                 // annotated image (Format_BGR888), when the format asked for one
    QByteArray jpeg;              // annotated JPEG when asked for; the source bytes when nothing was
                                  // drawn at source size
    QByteArray sourceJpeg;        // the original JPEG as received (raw snapshot)
    QVector<Detection> detections;
    // Whether the detector looked at this frame, and where. A frame that was not inferred says
    // nothing about objects (no detections does not mean "gone"); an inferred frame says nothing
    // about objects outside inferRegion (a crop). The events tracker relies on exactly this.
    bool inferred = false;
    QRect inferRegion;            // source pixels the detector saw: the whole frame or a crop; empty if not inferred
    bool motion = false;          // motion analysis of this frame (every detect mode)
    double motionPct = 0;         // share of the unmasked frame that moved, 0..100
    QList<QRect> motionBoxes;     // moving regions >= the camera's minimum area, source pixels
    double decodeMs = 0;
    double inferMs = 0;
};
using ProcessedFramePtr = std::shared_ptr<const ProcessedFrame>;

// Monotonic clock used everywhere in the pipeline (nanoseconds).
qint64 nowNs();

} // namespace vigil
