#include "processing/processing_scheduler.h"

#include <QThread>
#include <algorithm>
#include <opencv2/core.hpp>

#include "processing/frame_processor.h"
#include "common/log.h"

namespace vigil {

int ProcessingScheduler::defaultWorkerCount()
{
    return std::max(1, QThread::idealThreadCount() / 2);
}

int ProcessingScheduler::defaultLightWorkerCount()
{
    return std::max(1, QThread::idealThreadCount() / 4);
}

ProcessingScheduler::ProcessingScheduler(int workers, Kind kind)
{
    if (workers <= 0)
        workers = kind == Kind::Inference ? defaultWorkerCount() : defaultLightWorkerCount();
    // Each worker runs one inference at a time; give each its share of the cores.
    if (kind == Kind::Inference)
        cv::setNumThreads(std::max(1, QThread::idealThreadCount() / workers));
    for (int i = 0; i < workers; ++i)
        m_threads.emplace_back([this, i] { run(i); });
}

ProcessingScheduler::~ProcessingScheduler()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    for (auto& t : m_threads)
        t.join();
}

int ProcessingScheduler::workerCount() const { return int(m_threads.size()); }

void ProcessingScheduler::attach(ProcessingChannel* channel)
{
    std::lock_guard lock(m_mutex);
    if (channel->m_attached)
        return;
    channel->m_attached = true;
    m_channels.push_back(channel);
}

void ProcessingScheduler::detach(ProcessingChannel* channel)
{
    std::unique_lock lock(m_mutex);
    if (!channel->m_attached)
        return;
    channel->m_attached = false;
    channel->m_pending.reset();
    m_channels.erase(std::remove(m_channels.begin(), m_channels.end(), channel), m_channels.end());
    m_idle.wait(lock, [channel] { return !channel->m_busy; });
}

bool ProcessingScheduler::offer(ProcessingChannel* channel, EncodedFrame&& frame)
{
    std::optional<EncodedFrame> dropped;
    {
        std::lock_guard lock(m_mutex);
        if (!channel->m_attached)
            return false;
        if (channel->m_pending) {
            dropped = std::move(channel->m_pending);
            // Keep the waiting time of the oldest request: a camera whose frames keep getting
            // replaced must not lose its place in line.
        } else {
            channel->m_pendingSinceNs = frame.receivedNs;
        }
        channel->m_pending = std::move(frame);
    }
    m_wake.notify_one();
    if (dropped)
        channel->onSuperseded(*dropped);
    return dropped.has_value();
}

bool ProcessingScheduler::refresh(ProcessingChannel* channel, EncodedFrame& frame)
{
    std::optional<EncodedFrame> dropped;
    {
        std::lock_guard lock(m_mutex);
        if (!channel->m_attached || !channel->m_pending)
            return false;
        dropped = std::move(channel->m_pending);
        channel->m_pending = std::move(frame);
    }
    channel->onSuperseded(*dropped);
    return true;
}

// Least recently served first, so every camera gets a turn per round whatever the phase of its
// frames; "oldest frame first" alone lets a camera whose frames arrive just after its turn go twice.
bool ProcessingScheduler::waitedLonger(const ProcessingChannel& a, const ProcessingChannel& b)
{
    if (a.m_lastTurn != b.m_lastTurn)
        return a.m_lastTurn < b.m_lastTurn;
    return a.m_pendingSinceNs < b.m_pendingSinceNs;
}

void ProcessingScheduler::run(int index)
{
    WorkerContext ctx;
    std::unique_lock lock(m_mutex);
    for (;;) {
        ProcessingChannel* next = nullptr;
        m_wake.wait(lock, [&] {
            if (m_stopping)
                return true;
            for (ProcessingChannel* c : m_channels)
                if (c->m_pending && !c->m_busy && (!next || waitedLonger(*c, *next)))
                    next = c;
            return next != nullptr;
        });
        if (m_stopping)
            return;
        EncodedFrame frame = std::move(*next->m_pending);
        next->m_pending.reset();
        next->m_busy = true;
        next->m_lastTurn = ++m_turns;
        lock.unlock();
        next->process(std::move(frame), ctx);
        lock.lock();
        next->m_busy = false;
        m_idle.notify_all();
        // Another channel may have become eligible while this worker was busy.
        m_wake.notify_one();
        Q_UNUSED(index);
    }
}

} // namespace vigil
