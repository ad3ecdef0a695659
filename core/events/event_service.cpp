#include "events/event_service.h"

#include <QDateTime>
#include <QDir>
#include <QHostInfo>
#include <future>
#include <variant>

#include "common/log.h"
#include "common/redact.h"
#include "events/clip_recorder.h"
#include "events/event.h"
#include "events/event_snapshots.h"
#include "events/event_store.h"
#include "events/object_tracker.h"
#include "pipeline/camera.h"
#include "processing/frame_sink.h"

namespace vigil {

namespace {
// Steady-clock time of a wall-clock moment (epoch seconds), for clip timing.
qint64 steadyNsAt(double wallSeconds)
{
    const double agoMs = double(QDateTime::currentMSecsSinceEpoch()) - wallSeconds * 1000.0;
    return nowNs() - qint64(agoMs * 1e6);
}
} // namespace

// One camera's recording state. Shared between the service (pipeline thread), the camera's sink
// (worker threads), its frame tap (reader thread) and the events thread, so it lives as long as
// any of them holds it.
struct EventService::CameraEntry : FrameSink, std::enable_shared_from_this<EventService::CameraEntry> {
    EventService* service = nullptr;
    QString id;
    std::atomic<bool> enabled{true};
    std::unique_ptr<ClipRecorder> clips;   // null when clips are off

    // Events thread only.
    QString name;
    ObjectTracker tracker;
    std::deque<ProcessedFramePtr> recent;  // the last kRecentFrames inferred frames
    struct Live {
        QString eventId;
        Event event;
        quint64 snapshotSeq = 0;           // frame the stored snapshot shows
        qint64 snapshotNs = 0;
        bool snapshotPending = false;      // a better frame waits for the interval
        ProcessedFramePtr pendingFrame;
    };
    QHash<quint64, Live> live;             // by tracker object id
    int nextN = 0;
    double retentionDays = 30;

    std::atomic<int> tracked{0};
    std::atomic<quint64> events{0};
    QVariantMap labelCounts;               // guarded by the service's mutex

    FrameFormat format() const override { return {}; }  // metadata and the source JPEG only
    void deliver(const ProcessedFramePtr& frame) override;
};

struct EventService::Item {
    enum class Kind { Frame, ClipDone, Settings, Flush, Remove, Barrier, Import };
    Kind kind = Kind::Frame;
    std::shared_ptr<CameraEntry> camera;   // null for ClipDone: a clip may outlive its camera
    QString cameraId;
    ProcessedFramePtr frame;
    ClipResult clip;
    TrackerSettings tracker;
    QString name;
    double retentionDays = 30;
    std::shared_ptr<std::promise<void>> done;  // Flush, Barrier: set once handled
    bool retire = false;                       // Flush of a removed camera: its clips finish now
    QString eventId;                           // Remove
    std::shared_ptr<std::promise<QString>> removed;  // Remove: the error, empty on success
    Event imported;                            // Import: the event and its pictures (may be empty)
    QByteArray thumbnail;
    QByteArray snapshot;
};

void EventService::CameraEntry::deliver(const ProcessedFramePtr& frame)
{
    // Frames not inferred say nothing about objects: the tracker never needs them.
    if (!frame->inferred || !enabled.load())
        return;
    Item item;
    item.kind = Item::Kind::Frame;
    item.camera = shared_from_this();
    item.frame = frame;
    // The service outlives every registered sink (removeCamera unregisters first).
    service->push(std::move(item), true);
}

EventService::EventService(Options options, QObject* parent)
    : QObject(parent), m_options(std::move(options)), m_queue(new std::deque<Item>)
{
    if (m_options.node.isEmpty())
        m_options.node = QHostInfo::localHostName();
    qRegisterMetaType<vigil::ClipResult>("vigil::ClipResult");
}

EventService::~EventService()
{
    stop();
    delete m_queue;
}

QString EventService::folder() const { return m_options.settings.effectiveFolder(); }

QString EventService::status() const
{
    std::lock_guard lock(m_mutex);
    return m_status;
}

QVariantMap EventService::liveCounts(const QString& cameraId) const
{
    std::lock_guard lock(m_mutex);
    const auto it = m_cameras.find(cameraId);
    return it == m_cameras.end() ? QVariantMap() : it.value()->labelCounts;
}

EventService::CameraCounts EventService::counts(const QString& cameraId) const
{
    std::lock_guard lock(m_mutex);
    const auto it = m_cameras.find(cameraId);
    if (it == m_cameras.end())
        return {};
    return {it.value()->tracked.load(), it.value()->events.load()};
}

void EventService::setStatus(const QString& status)
{
    {
        std::lock_guard lock(m_mutex);
        if (m_status == status)
            return;
        m_status = status;
    }
    if (!status.isEmpty())
        qCWarning(lcPipeline).noquote() << QStringLiteral("Events: %1").arg(status);
    emit statusChanged(status);
}

void EventService::push(Item&& item, bool droppable)
{
    {
        std::lock_guard lock(m_mutex);
        if (m_stopping || !m_started)
            return;
        if (droppable) {
            if (m_queuedFrames >= kMaxQueuedFrames) {
                ++m_dropped;
                return;
            }
            ++m_queuedFrames;
        }
        m_queue->push_back(std::move(item));
    }
    m_wake.notify_one();
}

// The events thread: owns the store (Qt SQL connections belong to their thread) and the trackers.
struct EventService::Worker {
    EventService* service;
    std::unique_ptr<EventStore> store;
    qint64 lastRetentionNs = 0;

    bool recording() const { return store && store->isOpen(); }

    Event toEvent(const CameraEntry& cam, const QString& id, const TrackedObject& obj) const
    {
        Event e;
        e.id = id;
        e.camera = cam.id;
        e.cameraName = cam.name;
        e.label = obj.label;
        e.startTime = obj.startTime;
        if (obj.endTime >= 0)
            e.endTime = obj.endTime;
        e.topScore = obj.topScore;
        e.zones = obj.zones;
        e.box = obj.bestBox;
        for (const TrackSighting& p : obj.track)
            e.track.append(EventTrackPoint{p.t, p.box, p.score});
        return e;
    }

    void publish(const QString& kind, const QString& id)
    {
        if (const std::optional<Event> e = store->event(id, false))
            emit service->eventChanged(kind, toJson(*e, false));
    }

    ProcessedFramePtr frameWithSeq(const CameraEntry& cam, quint64 seq) const
    {
        for (const ProcessedFramePtr& f : cam.recent)
            if (f->seq == seq)
                return f;
        return {};
    }

    void writeSnapshots(CameraEntry::Live& live, const ProcessedFramePtr& frame, const TrackedObject& obj)
    {
        Detection d;
        d.classId = obj.classId;
        d.name = obj.label;
        d.score = obj.bestScore;
        d.box = obj.bestBox;
        const EventPictures p = makeEventPictures(frame->sourceJpeg, d);
        // The boxed picture and thumbnail first: the clean one is what has_snapshot announces.
        if (!p.withBox.isEmpty())
            report(store->writeSnapshot(live.eventId, SnapshotKind::BoundingBox, p.withBox));
        if (!p.thumbnail.isEmpty())
            report(store->writeSnapshot(live.eventId, SnapshotKind::Thumbnail, p.thumbnail));
        report(store->writeSnapshot(live.eventId, SnapshotKind::Clean, p.clean));
        live.snapshotSeq = frame->seq;
        live.snapshotNs = nowNs();
        live.snapshotPending = false;
        live.pendingFrame.reset();
    }

    bool report(const StoreResult& r)
    {
        service->setStatus(r ? (store->isRecordingPaused() ? store->pauseReason() : QString()) : r.error);
        return bool(r);
    }

    void handleFrame(CameraEntry& cam, const ProcessedFramePtr& frame)
    {
        cam.recent.push_back(frame);
        while (cam.recent.size() > size_t(kRecentFrames))
            cam.recent.pop_front();
        const QList<TrackChange> changes = cam.tracker.update(Observation::fromFrame(*frame));
        cam.tracked = cam.tracker.confirmedCount();
        apply(cam, changes);
        updateLiveCounts(cam);
    }

    // Events in progress by label; announced when they change.
    void updateLiveCounts(CameraEntry& cam)
    {
        QVariantMap counts;
        for (const CameraEntry::Live& l : std::as_const(cam.live))
            counts[l.event.label] = counts.value(l.event.label).toInt() + 1;
        {
            std::lock_guard lock(service->m_mutex);
            if (cam.labelCounts == counts)
                return;
            cam.labelCounts = counts;
        }
        emit service->liveCountsChanged(cam.id, counts);
    }

    void apply(CameraEntry& cam, const QList<TrackChange>& changes)
    {
        for (const TrackChange& c : changes) {
            const TrackedObject& obj = c.object;
            switch (c.kind) {
            case TrackChange::Kind::New: onNew(cam, obj); break;
            case TrackChange::Kind::Update: onUpdate(cam, obj); break;
            case TrackChange::Kind::End: onEnd(cam, obj); break;
            }
        }
    }

    void onNew(CameraEntry& cam, const TrackedObject& obj)
    {
        if (!recording())
            return;
        CameraEntry::Live live;
        live.eventId = makeEventId(service->m_options.node, cam.id, qint64(obj.startTime * 1000), cam.nextN++);
        live.event = toEvent(cam, live.eventId, obj);
        if (!report(store->insert(live.event)))
            return;  // disk full or store trouble: this object makes no event
        ++cam.events;
        if (const ProcessedFramePtr f = frameWithSeq(cam, obj.bestSeq))
            writeSnapshots(live, f, obj);
        if (cam.clips) {
            QString error;
            if (!cam.clips->startClip(live.eventId, store->clipPartPath(live.eventId), steadyNsAt(obj.startTime), &error))
                qCInfo(lcPipeline).noquote() << QStringLiteral("[%1] no clip for event %2: %3").arg(cam.id, live.eventId, error);
        }
        const QString id = live.eventId;
        cam.live.insert(obj.id, std::move(live));
        publish("new", id);
    }

    void onUpdate(CameraEntry& cam, const TrackedObject& obj)
    {
        auto it = cam.live.find(obj.id);
        if (it == cam.live.end() || !recording())
            return;
        CameraEntry::Live& live = it.value();
        const Event e = toEvent(cam, live.eventId, obj);
        report(store->update(e));
        live.event = e;
        if (obj.bestSeq != live.snapshotSeq) {
            if (const ProcessedFramePtr f = frameWithSeq(cam, obj.bestSeq)) {
                if (nowNs() - live.snapshotNs >= kSnapshotIntervalNs) {
                    writeSnapshots(live, f, obj);
                } else {
                    live.snapshotPending = true;
                    live.pendingFrame = f;
                }
            }
        }
        publish("update", live.eventId);
    }

    void onEnd(CameraEntry& cam, const TrackedObject& obj)
    {
        auto it = cam.live.find(obj.id);
        if (it == cam.live.end())
            return;
        CameraEntry::Live live = std::move(it.value());
        cam.live.erase(it);
        if (!recording())
            return;
        const Event e = toEvent(cam, live.eventId, obj);
        report(store->update(e));
        report(store->end(live.eventId, obj.endTime >= 0 ? obj.endTime : obj.lastSeen));
        if (live.snapshotPending && live.pendingFrame && live.pendingFrame->seq == obj.bestSeq)
            writeSnapshots(live, live.pendingFrame, obj);
        if (cam.clips)
            cam.clips->endClip(live.eventId, steadyNsAt(obj.lastSeen));
        publish("end", live.eventId);
    }

    void onClipDone(const QString& cameraId, const ClipResult& r)
    {
        if (!recording())
            return;
        if (!r.ok) {
            qCWarning(lcPipeline).noquote() << QStringLiteral("[%1] clip of event %2 failed: %3").arg(cameraId, r.id, r.error);
            return;
        }
        if (report(store->attachClip(r.id, r.path)))
            publish("update", r.id);
    }

    QString remove(const QString& id)
    {
        if (!recording())
            return service->status().isEmpty() ? QStringLiteral("the events store is not open") : service->status();
        // An event still being recorded is forgotten by its tracker too, so it is not written again.
        QList<std::shared_ptr<CameraEntry>> cams;
        {
            std::lock_guard lock(service->m_mutex);
            cams = service->m_cameras.values();
        }
        for (const auto& cam : std::as_const(cams))
            for (auto it = cam->live.begin(); it != cam->live.end(); ++it)
                if (it->eventId == id) {
                    if (cam->clips)
                        cam->clips->endClip(id, nowNs());
                    cam->live.erase(it);
                    updateLiveCounts(*cam);
                    break;
                }
        const StoreResult r = store->remove(id);
        if (r)
            emit service->eventChanged(QStringLiteral("delete"), QJsonObject{{"id", id}});
        return r ? QString() : r.error;
    }

    void import(const Item& item)
    {
        if (!recording())
            return;
        Event e = item.imported;
        const std::optional<Event> before = store->event(e.id, true);
        QString kind;
        if (!before) {
            if (!report(store->insert(e)))
                return;
            kind = e.endTime ? QStringLiteral("end") : QStringLiteral("new");
        } else {
            if (before->camera != e.camera)
                return;  // another camera's event with this id: never overwritten
            if (e.track.isEmpty())
                e.track = before->track;  // list and WebSocket messages carry no track
            if (before->endTime && !e.endTime)
                e.endTime = before->endTime;
            if (!report(store->update(e)))
                return;
            kind = e.endTime && !before->endTime ? QStringLiteral("end") : QStringLiteral("update");
        }
        if (!item.snapshot.isEmpty()) {
            Detection d;
            d.name = e.label;
            d.score = float(e.topScore);
            d.box = e.box;
            const EventPictures p = makeEventPictures(item.snapshot, d);
            // As for local events: the clean picture last, since it is what has_snapshot announces.
            if (!p.withBox.isEmpty())
                report(store->writeSnapshot(e.id, SnapshotKind::BoundingBox, p.withBox));
            const QByteArray thumb = item.thumbnail.isEmpty() ? p.thumbnail : item.thumbnail;
            if (!thumb.isEmpty())
                report(store->writeSnapshot(e.id, SnapshotKind::Thumbnail, thumb));
            report(store->writeSnapshot(e.id, SnapshotKind::Clean, item.snapshot));
        }
        publish(kind, e.id);
    }

    void retention(bool force)
    {
        const qint64 now = nowNs();
        if (!recording() || (!force && now - lastRetentionNs < kRetentionIntervalNs))
            return;
        lastRetentionNs = now;
        RetentionPolicy policy;
        {
            std::lock_guard lock(service->m_mutex);
            for (const auto& cam : std::as_const(service->m_cameras))
                policy.perCameraDays.insert(cam->id, cam->retentionDays);
        }
        policy.maxTotalBytes = qint64(service->m_options.settings.maxTotalGb * 1e9);
        store->setRetention(policy);
        const RetentionResult r = store->applyRetention(QDateTime::currentMSecsSinceEpoch() / 1000.0);
        if (!r.error.isEmpty())
            qCWarning(lcPipeline).noquote() << QStringLiteral("Events retention: %1").arg(r.error);
        else if (r.removedEvents > 0)
            qCInfo(lcPipeline).noquote() << QStringLiteral("Events retention: removed %1 events (%2 MB)")
                                                .arg(r.removedEvents).arg(r.freedBytes / 1e6, 0, 'f', 1);
    }
};

bool EventService::start(QString* error)
{
    {
        std::lock_guard lock(m_mutex);
        if (m_started)
            return true;
        m_started = true;
        m_stopping = false;
    }
    auto opened = std::make_shared<std::promise<QString>>();
    std::future<QString> result = opened->get_future();
    m_thread = std::thread([this, opened] {
        Worker w{this, {}};
        EventStore::Options o;
        o.dir = folder();
        o.retention.maxTotalBytes = qint64(m_options.settings.maxTotalGb * 1e9);
        w.store = std::make_unique<EventStore>(o);
        const StoreResult r = w.store->open();
        for (const QString& warning : w.store->warnings())
            qCWarning(lcPipeline).noquote() << QStringLiteral("Events: %1").arg(warning);
        opened->set_value(r ? QString() : r.error);
        if (!r)
            setStatus(QStringLiteral("recording off: %1").arg(r.error));
        w.retention(true);
        runLoop(w);
        w.store.reset();  // closes its connection on this thread
    });
    // Opening is local file work; a stuck disk must not hang the app.
    QString why = result.wait_for(std::chrono::seconds(10)) == std::future_status::ready
                      ? result.get() : QStringLiteral("the events folder did not open within 10 s");
    if (!why.isEmpty() && error)
        *error = why;
    return why.isEmpty();
}

void EventService::runLoop(Worker& w)
{
    std::unique_lock lock(m_mutex);
    for (;;) {
        m_wake.wait_for(lock, std::chrono::seconds(60), [this] { return m_stopping || !m_queue->empty(); });
        if (m_queue->empty()) {
            if (m_stopping)
                return;
            lock.unlock();
            w.retention(false);
            lock.lock();
            continue;
        }
        Item item = std::move(m_queue->front());
        m_queue->pop_front();
        if (item.kind == Item::Kind::Frame)
            --m_queuedFrames;
        else if (item.kind == Item::Kind::Import)
            --m_queuedImports;
        lock.unlock();
        if (item.kind == Item::Kind::Import) {
            w.import(item);
            lock.lock();
            continue;
        }
        if (item.kind == Item::Kind::ClipDone) {
            w.onClipDone(item.cameraId, item.clip);
            lock.lock();
            continue;
        }
        if (item.kind == Item::Kind::Remove) {
            item.removed->set_value(w.remove(item.eventId));
            lock.lock();
            continue;
        }
        if (item.kind == Item::Kind::Barrier) {
            item.done->set_value();
            lock.lock();
            continue;
        }
        CameraEntry& cam = *item.camera;
        switch (item.kind) {
        case Item::Kind::Frame:
            w.handleFrame(cam, item.frame);
            break;
        case Item::Kind::ClipDone:
        case Item::Kind::Remove:
        case Item::Kind::Barrier:
        case Item::Kind::Import:
            break;
        case Item::Kind::Settings:
            cam.tracker.setSettings(item.tracker);
            cam.name = item.name;
            cam.retentionDays = item.retentionDays;
            break;
        case Item::Kind::Flush:
            w.apply(cam, cam.tracker.flush(QDateTime::currentMSecsSinceEpoch() / 1000.0));
            w.updateLiveCounts(cam);
            cam.tracked = 0;
            cam.recent.clear();
            // A removed camera sends no more frames: its clips end with what they have, and their
            // results are queued (this thread holds no lock) before anything queued after.
            if (item.retire && cam.clips)
                cam.clips->stop();
            break;
        }
        if (item.done)
            item.done->set_value();
        // The camera entry may go with this item: its clip recorder joins its own thread, which
        // may be waiting for this lock to hand over a finished clip.
        item = Item{};
        lock.lock();
    }
}

void EventService::stop()
{
    QList<std::shared_ptr<CameraEntry>> cams;
    {
        std::lock_guard lock(m_mutex);
        if (!m_started)
            return;
        cams = m_cameras.values();
    }
    // 1. Every camera's events end (they stay stored).
    std::vector<std::future<void>> flushed;
    for (const auto& cam : std::as_const(cams)) {
        Item flush;
        flush.kind = Item::Kind::Flush;
        flush.camera = cam;
        flush.done = std::make_shared<std::promise<void>>();
        flushed.push_back(flush.done->get_future());
        push(std::move(flush), false);
    }
    for (auto& f : flushed)
        f.wait_for(std::chrono::seconds(10));
    // 2. Clips finish with what they have; their results are queued before the barrier below,
    //    which waits until everything queued so far (removed cameras' too) is stored.
    for (const auto& cam : std::as_const(cams))
        if (cam->clips)
            cam->clips->stop();
    Item barrier;
    barrier.kind = Item::Kind::Barrier;
    barrier.done = std::make_shared<std::promise<void>>();
    std::future<void> drained = barrier.done->get_future();
    push(std::move(barrier), false);
    drained.wait_for(std::chrono::seconds(10));
    // 3. The thread empties its queue and closes the store.
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable())
        m_thread.join();
    std::lock_guard lock(m_mutex);
    m_queue->clear();
    m_queuedFrames = 0;
    m_queuedImports = 0;
    m_started = false;
}

bool EventService::removeEvent(const QString& id, QString* error)
{
    if (!isValidEventId(id)) {
        if (error)
            *error = QStringLiteral("not an event id");
        return false;
    }
    Item item;
    item.kind = Item::Kind::Remove;
    item.eventId = id;
    item.removed = std::make_shared<std::promise<QString>>();
    std::future<QString> result = item.removed->get_future();
    {
        std::lock_guard lock(m_mutex);
        if (!m_started || m_stopping) {
            if (error)
                *error = QStringLiteral("events are off");
            return false;
        }
    }
    push(std::move(item), false);
    const QString why = result.wait_for(std::chrono::seconds(5)) == std::future_status::ready
                            ? result.get() : QStringLiteral("the events store is busy; try again");
    if (error)
        *error = why;
    return why.isEmpty();
}

bool EventService::importEvent(const Event& event, const QByteArray& thumbnailJpeg, const QByteArray& snapshotJpeg)
{
    if (!isValidEventId(event.id))
        return false;
    Item item;
    item.kind = Item::Kind::Import;
    item.imported = event;
    item.thumbnail = thumbnailJpeg;
    item.snapshot = snapshotJpeg;
    {
        std::lock_guard lock(m_mutex);
        if (!m_started || m_stopping)
            return false;
        if (m_queuedImports >= kMaxQueuedImports) {
            ++m_droppedImports;
            return false;
        }
        ++m_queuedImports;
        m_queue->push_back(std::move(item));
    }
    m_wake.notify_one();
    return true;
}

void EventService::addCamera(Camera* camera)
{
    const CameraConfig config = camera->config();
    auto cam = std::make_shared<CameraEntry>();
    cam->service = this;
    cam->id = config.id;
    cam->enabled = config.events.enabled && m_options.settings.enabled;
    if (m_options.settings.clips) {
        ClipRecorderOptions o;
        o.preRollMs = qint64(m_options.settings.preRollS * 1000);
        o.postRollMs = qint64(m_options.settings.postRollS * 1000);
        o.maxClipMs = qint64(m_options.settings.maxClipS * 1000);
        cam->clips = std::make_unique<ClipRecorder>(o);
        // Emitted on the recorder's own thread: hand the result to the events thread. No reference
        // to the camera entry here: the recorder's thread must never be the one to destroy it.
        auto done = [this, id = cam->id](const ClipResult& r) {
            Item item;
            item.kind = Item::Kind::ClipDone;
            item.cameraId = id;
            item.clip = r;
            push(std::move(item), false);
        };
        connect(cam->clips.get(), &ClipRecorder::clipComplete, cam->clips.get(), done, Qt::DirectConnection);
        connect(cam->clips.get(), &ClipRecorder::clipFailed, cam->clips.get(), done, Qt::DirectConnection);
    }
    {
        std::lock_guard lock(m_mutex);
        m_cameras.insert(cam->id, cam);
    }
    updateCamera(camera);
    camera->addSink(cam.get());
    if (ClipRecorder* clips = cam->clips.get())
        // The entry (and so the recorder) outlives the tap: removeCamera() clears it first.
        camera->addFrameTap(cam.get(), [clips](const EncodedFrame& frame) {
            ClipFrame f;
            f.jpeg = frame.jpeg;
            f.seq = frame.seq;
            f.arrivalNs = frame.receivedNs;
            f.wallMs = QDateTime::currentMSecsSinceEpoch() - (nowNs() - frame.receivedNs) / 1'000'000;
            clips->addFrame(f);
        });
}

void EventService::updateCamera(Camera* camera)
{
    const CameraConfig config = camera->config();
    std::shared_ptr<CameraEntry> cam;
    {
        std::lock_guard lock(m_mutex);
        cam = m_cameras.value(config.id);
    }
    if (!cam)
        return;
    cam->enabled = config.events.enabled && m_options.settings.enabled;
    Item item;
    item.kind = Item::Kind::Settings;
    item.camera = cam;
    item.tracker = config.events.trackerSettings();
    item.name = config.displayName();
    item.retentionDays = config.events.retentionDays;
    push(std::move(item), false);
}

void EventService::removeCamera(Camera* camera)
{
    const QString id = camera->id();
    std::shared_ptr<CameraEntry> cam;
    {
        std::lock_guard lock(m_mutex);
        cam = m_cameras.take(id);
    }
    if (!cam)
        return;
    // Once these return, neither the workers nor the reader touch the entry.
    camera->removeSink(cam.get());
    camera->removeFrameTap(cam.get());
    Item flush;
    flush.kind = Item::Kind::Flush;
    flush.camera = cam;
    flush.retire = true;
    push(std::move(flush), false);
    // The entry goes with the last reference: the queued flush, or here.
}

} // namespace vigil
