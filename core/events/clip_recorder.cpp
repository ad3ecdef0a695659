#include "events/clip_recorder.h"

#include <algorithm>
#include <chrono>
#include <limits>

#include "events/clip_writer.h"

namespace vigil {

namespace {
constexpr qint64 kNever = std::numeric_limits<qint64>::max();
constexpr qint64 kNsPerMs = 1'000'000;
} // namespace

struct ClipRecorder::ActiveClip {
    QString id;
    std::unique_ptr<ClipWriter> writer;
    qint64 requestNs = 0;
    qint64 stopNs = kNever;       // the last arrival time the clip takes (end + post-roll)
    quint64 dropped = 0;
    bool done = false;
};

ClipRecorder::ClipRecorder(ClipRecorderOptions options, QObject* parent)
    : QObject(parent),
      m_options(options),
      m_ring(ClipRingLimits{options.preRollMs * kNsPerMs, options.ringMaxBytes})
{
    m_thread = std::thread([this] { run(); });
}

ClipRecorder::~ClipRecorder()
{
    stop();
}

void ClipRecorder::addFrame(const ClipFrame& frame)
{
    // One lock for the ring and the queue: a clip started between two frames gets each frame
    // exactly once, either in its pre-roll or from the queue.
    std::lock_guard lock(m_mutex);
    m_ring.push(frame);
    if (m_live.isEmpty() || m_stopping)
        return;
    const qint64 bytes = frame.jpeg.size();
    if (m_queuedFrames >= m_options.maxQueuedFrames || m_queuedBytes + bytes > m_options.maxQueuedBytes) {
        ++m_dropped;
        ++m_droppedSinceQueued;
        return;
    }
    m_queue.push_back(FrameItem{frame, m_droppedSinceQueued});
    m_droppedSinceQueued = 0;
    ++m_queuedFrames;
    m_queuedBytes += bytes;
    m_wake.notify_one();
}

bool ClipRecorder::startClip(const QString& id, const QString& path, qint64 eventNs, QString* error)
{
    auto refuse = [error](const QString& why) {
        if (error)
            *error = why;
        return false;
    };
    std::lock_guard lock(m_mutex);
    if (m_stopping)
        return refuse(QStringLiteral("the clip recorder is stopped"));
    if (id.isEmpty() || path.isEmpty())
        return refuse(QStringLiteral("a clip needs an id and a path"));
    if (m_live.contains(id))
        return refuse(QStringLiteral("clip %1 is already being recorded").arg(id));
    if (m_live.size() >= m_options.maxActiveClips)
        return refuse(QStringLiteral("already %1 clips at once").arg(m_live.size()));
    m_live.insert(id);
    // Pre-roll frames are shared with the ring, which bounds them: they do not count as queued.
    m_queue.push_back(StartItem{id, path, eventNs, m_ring.framesSince(eventNs - m_options.preRollMs * kNsPerMs)});
    m_wake.notify_one();
    return true;
}

void ClipRecorder::endClip(const QString& id, qint64 atNs)
{
    std::lock_guard lock(m_mutex);
    if (!m_live.contains(id) || m_stopping)
        return;
    m_queue.push_back(EndItem{id, atNs});
    m_wake.notify_one();
}

void ClipRecorder::stop()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_one();
    if (m_thread.joinable())
        m_thread.join();
}

void ClipRecorder::pauseWriting(bool paused)
{
    {
        std::lock_guard lock(m_mutex);
        m_paused = paused;
    }
    m_wake.notify_one();
}

ClipRecorder::Stats ClipRecorder::stats() const
{
    std::lock_guard lock(m_mutex);
    Stats s;
    s.framesDropped = m_dropped;
    s.ringDroppedForBytes = m_ring.droppedForBytes();
    s.queuedFrames = m_queuedFrames;
    s.queuedBytes = m_queuedBytes;
    s.activeClips = int(m_live.size());
    s.clipsComplete = m_complete;
    s.clipsFailed = m_failed;
    return s;
}

void ClipRecorder::run()
{
    std::vector<ActiveClip> clips;
    std::unique_lock lock(m_mutex);
    for (;;) {
        const auto ready = [this] { return m_stopping || (!m_paused && !m_queue.empty()); };
        const qint64 deadline = m_paused ? kNever : nextDeadline(clips);
        if (deadline == kNever)
            m_wake.wait(lock, ready);
        else
            m_wake.wait_for(lock, std::chrono::nanoseconds(std::max<qint64>(0, deadline - nowNs())), ready);
        if (m_paused && !m_stopping)
            continue;
        std::deque<Item> items;
        items.swap(m_queue);
        m_queuedFrames = 0;
        m_queuedBytes = 0;
        const bool stopping = m_stopping;
        lock.unlock();

        for (Item& item : items)
            handle(item, clips);
        finishDue(clips, nowNs(), stopping);

        lock.lock();
        if (stopping)
            return;  // addFrame/startClip/endClip queue nothing once stopping
    }
}

void ClipRecorder::handle(Item& item, std::vector<ActiveClip>& clips)
{
    if (auto* f = std::get_if<FrameItem>(&item)) {
        for (ActiveClip& clip : clips) {
            clip.dropped += f->droppedBefore;
            feed(clip, f->frame);
        }
    } else if (auto* s = std::get_if<StartItem>(&item)) {
        ClipWriterOptions wo;
        wo.maxDurationMs = m_options.maxClipMs;
        ActiveClip clip;
        clip.id = s->id;
        clip.writer = std::make_unique<ClipWriter>(s->path, wo);
        clip.requestNs = s->requestNs;
        for (const ClipFrame& frame : std::as_const(s->preRoll))
            feed(clip, frame);
        if (!clip.done)
            clips.push_back(std::move(clip));
    } else if (auto* e = std::get_if<EndItem>(&item)) {
        for (ActiveClip& clip : clips)
            if (clip.id == e->id)
                clip.stopNs = e->atNs + m_options.postRollMs * kNsPerMs;
    }
    std::erase_if(clips, [](const ActiveClip& c) { return c.done; });
}

void ClipRecorder::feed(ActiveClip& clip, const ClipFrame& frame)
{
    if (clip.done)
        return;
    if (frame.arrivalNs > clip.stopNs) {
        complete(clip, QStringLiteral("the post-roll ended"));
        return;
    }
    switch (clip.writer->add(frame)) {
    case ClipWriter::Added::Written:
    case ClipWriter::Added::Skipped:
        break;
    case ClipWriter::Added::Full:
        complete(clip, clip.writer->endReason());
        break;
    case ClipWriter::Added::Failed:
        complete(clip, {});
        break;
    }
}

qint64 ClipRecorder::nextDeadline(const std::vector<ActiveClip>& clips) const
{
    const qint64 idle = m_options.idleFinishMs * kNsPerMs;
    qint64 next = kNever;
    for (const ActiveClip& clip : clips) {
        const qint64 start = clip.writer->frames() > 0 ? clip.writer->firstArrivalNs() : clip.requestNs;
        next = std::min(next, start + m_options.maxClipMs * kNsPerMs + idle);
        if (clip.stopNs != kNever)
            next = std::min(next, clip.stopNs + idle);
    }
    return next;
}

void ClipRecorder::finishDue(std::vector<ActiveClip>& clips, qint64 now, bool all)
{
    const qint64 idle = m_options.idleFinishMs * kNsPerMs;
    for (ActiveClip& clip : clips) {
        const qint64 start = clip.writer->frames() > 0 ? clip.writer->firstArrivalNs() : clip.requestNs;
        if (all)
            complete(clip, QStringLiteral("the recorder stopped"));
        else if (clip.stopNs != kNever && now >= clip.stopNs + idle)
            complete(clip, QStringLiteral("the post-roll ended (no newer frame)"));
        else if (now >= start + m_options.maxClipMs * kNsPerMs + idle)
            complete(clip, QStringLiteral("the clip reached its maximum length (no newer frame)"));
    }
    std::erase_if(clips, [](const ActiveClip& c) { return c.done; });
}

void ClipRecorder::complete(ActiveClip& clip, const QString& reason)
{
    ClipWriter& w = *clip.writer;
    ClipResult r;
    r.id = clip.id;
    r.path = w.path();
    r.ok = !w.failed() && w.finish();
    r.error = r.ok ? QString() : w.error();
    r.endReason = reason;
    r.frames = r.ok ? w.frames() : 0;
    r.durationMs = r.ok ? w.durationMs() : 0;
    r.size = w.size();
    r.startWallMs = w.firstWallMs();
    r.framesDropped = clip.dropped;
    r.framesSkipped = w.skippedFrames();
    clip.done = true;
    {
        std::lock_guard lock(m_mutex);
        m_live.remove(clip.id);
        ++(r.ok ? m_complete : m_failed);
    }
    if (r.ok)
        emit clipComplete(r);
    else
        emit clipFailed(r);
}

} // namespace vigil
