#pragma once
// One camera's event clips. The camera's reader thread hands every frame it reads to addFrame():
// the frame goes into the pre-roll ring and, while a clip is being recorded, into a bounded queue
// that a writing thread of the recorder's own empties into the clip files. Nothing on the caller's
// side waits for the disk: when the writer is behind and the queue is full, frames are dropped and
// counted (per recorder and per clip), never queued without bound.
//
// Each event gets its own file "<id>.mkv" (written as "<id>.mkv.part", renamed when complete), so
// overlapping events each write their own clip of the same shared frames (no copies in memory).
// A clip runs from its event's time minus the pre-roll until endClip()'s time plus the post-roll,
// or until the maximum length; if the camera sends nothing more, it ends idleFinishMs after that.
#include <QObject>
#include <QSet>
#include <QSize>
#include <QString>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <variant>

#include "events/clip_ring.h"

namespace vigil {

struct ClipRecorderOptions {
    qint64 preRollMs = 5000;
    qint64 postRollMs = 5000;
    qint64 maxClipMs = 10 * 60 * 1000;
    qint64 ringMaxBytes = 32LL * 1024 * 1024;      // pre-roll memory bound (see ClipRingLimits)
    int maxQueuedFrames = 300;                     // ~10 s at 30 fps of writer lag
    qint64 maxQueuedBytes = 64LL * 1024 * 1024;
    int maxActiveClips = 8;                        // more overlapping events get no clip
    qint64 idleFinishMs = 2000;                    // ends a clip whose camera went quiet
};

// What became of one clip: complete (ok, the file exists under `path`) or failed (no file).
struct ClipResult {
    QString id;
    QString path;
    bool ok = false;
    QString error;                // why it failed
    QString endReason;            // why it ended (post-roll over, maximum length, resolution changed, ...)
    int frames = 0;
    qint64 durationMs = 0;
    QSize size;
    qint64 startWallMs = 0;       // wall time of the first frame
    quint64 framesDropped = 0;    // frames the clip lost because the writer was behind
    int framesSkipped = 0;        // frames that were not readable JPEGs
};

class ClipRecorder : public QObject {
    Q_OBJECT
public:
    explicit ClipRecorder(ClipRecorderOptions options = {}, QObject* parent = nullptr);
    ~ClipRecorder() override;     // stop()

    // Every frame the camera read, in order. Any one thread at a time; O(1), never blocks on I/O.
    void addFrame(const ClipFrame& frame);

    // Starts writing `path` (the final "<id>.mkv") from `eventNs` minus the pre-roll. False (and
    // *error) for an empty or already recording id, too many clips at once, or a stopped recorder.
    // The file's own failures come later, through clipFailed.
    bool startClip(const QString& id, const QString& path, qint64 eventNs = nowNs(), QString* error = nullptr);
    // The event ended at `atNs`: the clip takes frames until atNs plus the post-roll. Call it when
    // the event ends (frames already added stay in the clip). Unknown or finished ids are ignored.
    void endClip(const QString& id, qint64 atNs = nowNs());

    // Finishes the clips being written with what they have, and ends the writing thread.
    void stop();

    struct Stats {
        quint64 framesDropped = 0;        // queue full: the writer was behind
        quint64 ringDroppedForBytes = 0;  // pre-roll frames lost to the ring's byte bound
        int queuedFrames = 0;
        qint64 queuedBytes = 0;
        int activeClips = 0;
        quint64 clipsComplete = 0;
        quint64 clipsFailed = 0;
    };
    Stats stats() const;
    const ClipRing& ring() const { return m_ring; }
    ClipRecorderOptions options() const { return m_options; }

    // For tests: holds the writing thread (queue fills, files stay as they are) until false.
    void pauseWriting(bool paused);

signals:
    // Emitted on the writing thread; the file is complete and renamed when clipComplete arrives.
    void clipComplete(const vigil::ClipResult& result);
    void clipFailed(const vigil::ClipResult& result);

private:
    struct FrameItem { ClipFrame frame; quint64 droppedBefore = 0; };
    struct StartItem { QString id; QString path; qint64 requestNs = 0; QVector<ClipFrame> preRoll; };
    struct EndItem { QString id; qint64 atNs = 0; };
    using Item = std::variant<FrameItem, StartItem, EndItem>;
    struct ActiveClip;

    void run();
    void handle(Item& item, std::vector<ActiveClip>& clips);
    void feed(ActiveClip& clip, const ClipFrame& frame);
    void finishDue(std::vector<ActiveClip>& clips, qint64 now, bool all);
    void complete(ActiveClip& clip, const QString& reason);
    qint64 nextDeadline(const std::vector<ActiveClip>& clips) const;

    const ClipRecorderOptions m_options;
    ClipRing m_ring;

    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<Item> m_queue;
    int m_queuedFrames = 0;
    qint64 m_queuedBytes = 0;
    QSet<QString> m_live;          // ids started and not yet completed or failed
    quint64 m_dropped = 0;
    quint64 m_droppedSinceQueued = 0;
    quint64 m_complete = 0;
    quint64 m_failed = 0;
    bool m_stopping = false;
    bool m_paused = false;
    std::thread m_thread;
};

} // namespace vigil
