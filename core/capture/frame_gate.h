#pragma once
// Decides which frames read from a camera get processed: every Nth frame (stride), then at most
// `fps` per second by deadline scheduling (no drift, no sleeping). Parameters may be changed from
// any thread; they take effect on the next frame. offer() is called from one thread only.
#include <QtGlobal>
#include <atomic>

namespace vigil {

class FrameGate {
public:
    enum class Decision { Pass, SkipStride, DropThrottle };

    FrameGate(int skipFrames = 1, double maxFps = 0);

    void setSkipFrames(int n);     // 1 = every frame; clamped to >= 1
    void setMaxFps(double fps);    // <= 0: no cap
    int skipFrames() const;
    double maxFps() const;

    // Decide for a frame that arrived at `nowNs` (the caller's clock: injectable for tests).
    Decision offer(qint64 nowNs);
    // offer() in two steps, for a caller that may use a candidate without spending the fps budget
    // (refreshing a frame that is already waiting): every frame goes through nextIsCandidate(),
    // only the candidates it uses for new output go through admit().
    bool nextIsCandidate();
    bool admit(qint64 nowNs);
    void reset();                  // e.g. after reconnect: restart stride and deadline

private:
    std::atomic<int> m_skip;
    std::atomic<double> m_fps;
    std::atomic<bool> m_resetRequested{false};
    quint64 m_count = 0;           // frames seen since reset
    qint64 m_deadlineNs = 0;
    bool m_haveDeadline = false;
};

} // namespace vigil
