#pragma once
// The processing stage run by an inference worker: decode (DCT-scaled) -> detect -> annotate ->
// encode. Frames reach it only after the gate and the latest-frame slot.
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
    QSize outputSize;              // invalid: source size
    int jpegQuality = 80;
    bool alwaysEncode = false;     // encode even when nothing was drawn (else reuse source bytes)
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
    ProcessedFramePtr frame;       // null when the frame could not be decoded
    QString error;                 // decode error (frame counted as corrupt)
    QString detectorStatus;        // "" when detection is off; model name; or the load error
    bool detectorFailed = false;
};

ProcessResult processFrame(const QString& cameraId, const EncodedFrame& in,
                           const ProcessingOptions& options, WorkerContext& ctx);

// Draws boxes with class label and score; colours are stable per class.
void annotate(cv::Mat& bgr, const QVector<Detection>& detections, double scaleToImage);

} // namespace vigil
