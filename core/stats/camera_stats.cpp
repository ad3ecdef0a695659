#include "stats/camera_stats.h"

#include <cmath>

namespace vigil {

static double round2(double v) { return std::round(v * 100.0) / 100.0; }

QJsonObject StatsSnapshot::toJson() const
{
    return QJsonObject{
        {"read", double(read)},
        {"bytes_read", double(bytesRead)},
        {"read_fps", round2(readFps)},
        {"processed", double(processed)},
        {"out_fps", round2(outFps)},
        {"skipped_stride", double(skippedStride)},
        {"dropped_throttle", double(droppedThrottle)},
        {"superseded", double(superseded)},
        {"decode_errors", double(decodeErrors)},
        {"oversize_parts", double(oversizeParts)},
        {"reconnects", double(reconnects)},
        {"decode_ms", round2(decodeMs)},
        {"infer_ms", round2(inferMs)},
        {"latency_ms_p50", round2(latencyP50Ms)},
        {"latency_ms_p99", round2(latencyP99Ms)},
        {"motion", motion},
        {"motion_pct", round2(motionPct)},
        {"motion_ms", round2(motionMs)},
        {"inferences", double(inferences)},
        {"infer_fps", round2(inferFps)},
        {"gated_no_motion", double(gatedNoMotion)},
    };
}

void CameraStats::onRead(qint64 bytes, qint64 nowNs)
{
    ++m_read;
    m_bytes += quint64(bytes);
    m_readRate.mark(nowNs);
}

void CameraStats::onProcessed(double decodeMs, double inferMs, qint64 latencyNs, qint64 nowNs)
{
    ++m_processed;
    m_outRate.mark(nowNs);
    m_decodeMs.add(decodeMs);
    if (inferMs > 0)
        m_inferMs.add(inferMs);
    m_latencyMs.add(double(latencyNs) / 1e6);
}

void CameraStats::onMotion(bool motion, double motionPct, double analyseMs)
{
    m_motion = motion;
    m_motionPct = motionPct;
    m_motionMs.add(analyseMs);
}

void CameraStats::onInference(qint64 nowNs)
{
    ++m_inferences;
    m_inferRate.mark(nowNs);
}

StatsSnapshot CameraStats::snapshot(qint64 nowNs) const
{
    StatsSnapshot s;
    s.read = m_read;
    s.bytesRead = m_bytes;
    s.processed = m_processed;
    s.skippedStride = m_skippedStride;
    s.droppedThrottle = m_droppedThrottle;
    s.superseded = m_superseded;
    s.decodeErrors = m_decodeErrors;
    s.oversizeParts = m_oversize;
    s.reconnects = m_reconnects;
    s.readFps = m_readRate.perSecond(nowNs);
    s.outFps = m_outRate.perSecond(nowNs);
    s.decodeMs = m_decodeMs.mean();
    s.inferMs = m_inferMs.mean();
    s.latencyP50Ms = m_latencyMs.percentile(50);
    s.latencyP99Ms = m_latencyMs.percentile(99);
    s.motion = m_motion;
    s.motionPct = m_motionPct;
    s.motionMs = m_motionMs.mean();
    s.inferences = m_inferences;
    s.inferFps = m_inferRate.perSecond(nowNs);
    s.gatedNoMotion = m_gatedNoMotion;
    return s;
}

} // namespace vigil
