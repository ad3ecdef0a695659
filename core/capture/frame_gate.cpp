#include "capture/frame_gate.h"

#include <algorithm>

namespace vigil {

FrameGate::FrameGate(int skipFrames, double maxFps)
    : m_skip(std::max(1, skipFrames)), m_fps(maxFps)
{
}

void FrameGate::setSkipFrames(int n) { m_skip.store(std::max(1, n)); }
void FrameGate::setMaxFps(double fps) { m_fps.store(fps); }
int FrameGate::skipFrames() const { return m_skip.load(); }
double FrameGate::maxFps() const { return m_fps.load(); }
void FrameGate::reset() { m_resetRequested.store(true); }

FrameGate::Decision FrameGate::offer(qint64 nowNs)
{
    if (!nextIsCandidate())
        return Decision::SkipStride;
    return admit(nowNs) ? Decision::Pass : Decision::DropThrottle;
}

bool FrameGate::nextIsCandidate()
{
    if (m_resetRequested.exchange(false)) {
        m_count = 0;
        m_haveDeadline = false;
    }
    // Stride: frames 1, 1+N, 1+2N, ... are candidates (the first frame after a reset always is).
    const int skip = m_skip.load(std::memory_order_relaxed);
    return m_count++ % quint64(skip) == 0;
}

bool FrameGate::admit(qint64 nowNs)
{
    const double fps = m_fps.load(std::memory_order_relaxed);
    if (fps <= 0)
        return true;

    const qint64 intervalNs = qint64(1e9 / fps);
    // A frame a little early (jitter) still counts as on time.
    const qint64 toleranceNs = intervalNs / 10;
    if (!m_haveDeadline) {
        m_haveDeadline = true;
        m_deadlineNs = nowNs + intervalNs;
        return true;
    }
    if (nowNs < m_deadlineNs - toleranceNs)
        return false;

    // Deadlines advance by exactly one interval so lateness is carried over instead of
    // accumulating (a naive "now - last >= interval" gives 7.5 FPS for 15 candidates/s at 10 FPS).
    // After falling a whole interval behind (a pause, or candidates slower than the cap),
    // restart from now rather than letting a burst through.
    if (nowNs - m_deadlineNs >= intervalNs)
        m_deadlineNs = nowNs + intervalNs;
    else
        m_deadlineNs += intervalNs;
    return true;
}

} // namespace vigil
