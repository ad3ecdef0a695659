#pragma once
// The processing stage run by an inference worker: decode once (DCT-scaled to the largest size any
// consumer or the model needs) -> detect -> annotate -> one rendition per consumer format.
// Frames reach it only after the gate and the latest-frame slot.
#include <map>
#include <QString>
#include <memory>

#include "detection/detector.h"
#include "common/frame.h"
#include "processing/jpeg_codec.h"

namespace vigil {

struct ProcessingOptions {
    bool detectionEnabled = false;
    DetectorSettings detector;     // modelPath must be resolved (absolute) when detection is on
    int jpegQuality = 80;
    QSize maxJpegSize = JpegDecoder::kDefaultMaxSize;  // larger frames are decode errors, never allocated
};

// Per-worker state: codecs and one detector per model (nets are not thread-safe).
class WorkerContext {
public:
    JpegDecoder decoder;
    JpegEncoder encoder;
    // The detector for these settings, loaded on first use. Null with *error set when it failed.
    // A failure is remembered so a bad file is not reloaded every frame, but is retried once the
    // model files change (e.g. models/fetch.sh finished). Nets unused for a while are freed, so
    // switching models over weeks does not pile them up. `nowNs` is injectable for tests.
    Detector* detectorFor(const DetectorSettings& settings, QString* error, qint64 nowNs = vigil::nowNs());
    size_t loadedDetectorCount() const;

    static constexpr qint64 kRecheckFailedNs = 2'000'000'000;
    static constexpr qint64 kUnusedNs = 60'000'000'000;

private:
    struct Entry {
        std::unique_ptr<Detector> detector;
        QString error;
        QString filesStamp;      // model files' sizes and times when loading failed
        qint64 checkedNs = 0;
        qint64 lastUsedNs = 0;
    };
    void dropUnused(qint64 nowNs);
    std::map<QString, Entry> m_detectors;  // by model path and input size
    qint64 m_sweptNs = 0;
};

struct ProcessResult {
    QVector<ProcessedFramePtr> frames;  // one per requested format, in order; empty on a decode error
    QString error;                 // decode error (frame counted as corrupt)
    QString detectorStatus;        // "" when detection is off; model name; or the load error
    bool detectorFailed = false;
    bool inferred = false;         // the detector ran
    QRect inferRegion;             // what it saw, source pixels (whole frame or a crop)
};

// Every rendition's image, JPEG and `size` agree; detection boxes are in source pixels.
// A JPEG is encoded only for formats that ask for one, and the source bytes are reused when
// nothing was drawn and the source size is wanted; when nothing needs pixels the frame is not
// decoded at all. With detection on, `focus` (source pixels, empty: none) is where to look: the
// detector runs on a square crop around it (see cropForFocus) or, when that is not worth it, on the
// whole frame.
ProcessResult processFrame(const QString& cameraId, const EncodedFrame& in, const ProcessingOptions& options,
                           const QVector<FrameFormat>& formats, WorkerContext& ctx, const QRect& focus = {});

// The square crop the detector runs on for an area of interest: the area with a margin, at least
// the model's input size (small objects keep their pixels), inside the frame. Empty when the crop
// would cover much of the frame anyway: then the whole frame is inferred.
QRect cropForFocus(QSize source, const QRect& focus, QSize modelInput);

// The size a format gets from a source: its maxSize fitted to the source's aspect ratio, never
// upscaled.
QSize renditionSize(QSize source, const FrameFormat& format);

// Draws boxes with class label and score; colours are stable per class.
void annotate(cv::Mat& bgr, const QVector<Detection>& detections, double scaleToImage);

} // namespace vigil
