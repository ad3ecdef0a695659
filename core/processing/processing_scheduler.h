#pragma once
// A fixed pool of processing workers shared by all cameras. Each camera ("channel") offers its
// latest gated frame in a one-frame slot; a free worker takes the waiting channel that has waited
// longest for its turn (served longest ago; ties: frame waiting longest). The waiting frame itself
// is kept fresh by refresh(), so its own age says nothing about fairness; turns do.
// A channel is processed by one worker at a time, so results stay in order.
#include <QString>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "common/frame.h"

namespace vigil {

class WorkerContext;

class ProcessingChannel {
public:
    virtual ~ProcessingChannel() = default;
    // Runs on a worker thread with the worker's own context.
    virtual void process(EncodedFrame&& frame, WorkerContext& ctx) = 0;
    // Called (under no lock) when a pending frame was replaced before a worker took it.
    virtual void onSuperseded(const EncodedFrame& dropped) { Q_UNUSED(dropped); }

private:
    friend class ProcessingScheduler;
    std::optional<EncodedFrame> m_pending;
    qint64 m_pendingSinceNs = 0;
    quint64 m_lastTurn = 0;  // scheduler turn at which a worker last took this channel (0: never)
    bool m_busy = false;
    bool m_attached = false;
};

class ProcessingScheduler {
public:
    // workers <= 0: sized to the machine (half the cores, at least 1). An inference pool sets
    // OpenCV's own thread count so that workers x threads does not oversubscribe the cores; a
    // light pool (motion analysis, decoding for display) leaves it alone.
    enum class Kind { Inference, Light };
    explicit ProcessingScheduler(int workers = 0, Kind kind = Kind::Inference);
    ~ProcessingScheduler();
    ProcessingScheduler(const ProcessingScheduler&) = delete;
    ProcessingScheduler& operator=(const ProcessingScheduler&) = delete;

    int workerCount() const;
    static int defaultWorkerCount();
    static int defaultLightWorkerCount();  // a quarter of the cores, at least 1

    void attach(ProcessingChannel* channel);
    // Drops the pending frame and waits until no worker is processing this channel.
    void detach(ProcessingChannel* channel);
    // Returns true when a pending frame was superseded (onSuperseded has been called).
    bool offer(ProcessingChannel* channel, EncodedFrame&& frame);
    // Replaces the pending frame only if one is waiting (the workers are behind), so what a worker
    // picks up next is as fresh as possible. False (frame untouched) when nothing is pending.
    bool refresh(ProcessingChannel* channel, EncodedFrame& frame);

private:
    void run(int index);
    static bool waitedLonger(const ProcessingChannel& a, const ProcessingChannel& b);

    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::condition_variable m_idle;
    std::vector<ProcessingChannel*> m_channels;
    std::vector<std::thread> m_threads;
    quint64 m_turns = 0;
    bool m_stopping = false;
};

} // namespace vigil
