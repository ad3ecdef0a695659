#pragma once
// Per-camera counters and rates. Written from the reader and worker threads, read from anywhere.
#include <QJsonObject>
#include <atomic>

#include "stats/rate_meter.h"

namespace vigil {

struct StatsSnapshot {
    quint64 read = 0;             // frames read (complete parts)
    quint64 bytesRead = 0;
    quint64 processed = 0;        // results delivered
    quint64 skippedStride = 0;    // not a candidate (skip_frames)
    quint64 droppedThrottle = 0;  // candidate dropped by the fps cap
    quint64 superseded = 0;       // replaced by a newer frame while waiting for a worker
    quint64 decodeErrors = 0;     // corrupt JPEGs
    quint64 oversizeParts = 0;    // parts over the size limit, dropped by the parser
    quint64 reconnects = 0;
    double readFps = 0;
    double outFps = 0;
    double decodeMs = 0;          // mean of recent decodes
    double inferMs = 0;           // mean of recent inferences (0 without a detector)
    double latencyP50Ms = 0;      // last byte received -> result delivered
    double latencyP99Ms = 0;
    // Motion and gating (every detect mode).
    bool motion = false;          // the last analysed frame moved
    double motionPct = 0;         // share of the unmasked frame that moved in it, 0..100
    double motionMs = 0;          // mean analysis time (luma decode + analysis)
    quint64 inferences = 0;       // frames run through the detector since start
    double inferFps = 0;          // inferences per second over the last second
    quint64 gatedNoMotion = 0;    // reached processing but not inferred (motion mode only)
    QJsonObject toJson() const;   // keys as in --stats-json
};

class CameraStats {
public:
    void onRead(qint64 bytes, qint64 nowNs);
    void onSkippedStride() { ++m_skippedStride; }
    void onDroppedThrottle() { ++m_droppedThrottle; }
    void onSuperseded() { ++m_superseded; }
    void onDecodeError() { ++m_decodeErrors; }
    void onReconnect() { ++m_reconnects; }
    void setOversizeParts(quint64 n) { m_oversize = n; }
    void onProcessed(double decodeMs, double inferMs, qint64 latencyNs, qint64 nowNs);
    void onMotion(bool motion, double motionPct, double analyseMs);
    void onInference(qint64 nowNs);
    void onGatedNoMotion() { ++m_gatedNoMotion; }
    StatsSnapshot snapshot(qint64 nowNs) const;

private:
    std::atomic<quint64> m_read{0}, m_bytes{0}, m_processed{0}, m_skippedStride{0},
        m_droppedThrottle{0}, m_superseded{0}, m_decodeErrors{0}, m_oversize{0}, m_reconnects{0};
    std::atomic<quint64> m_inferences{0}, m_gatedNoMotion{0};
    std::atomic<bool> m_motion{false};
    std::atomic<double> m_motionPct{0};
    RateMeter m_readRate;
    RateMeter m_inferRate;
    SampleWindow m_motionMs{64};
    RateMeter m_outRate;
    SampleWindow m_decodeMs{64};
    SampleWindow m_inferMs{64};
    SampleWindow m_latencyMs{512};
};

} // namespace vigil
