#pragma once
// Turns each camera's inferred frames into events: tracking, the store (SQLite), snapshots and
// clips. Owned by the Pipeline (desktop and headless alike) and driven from its thread.
//
// Never in the pipeline's way: each camera hands its inferred frames to a bounded queue (a full
// queue drops and counts; a dropped frame is as if it was not inferred, which never ends an
// object); tracking, pictures and the database run on the service's own thread; clips are written
// by one ClipRecorder per camera on its own thread, fed from the reader by the frame tap (every
// frame read, still compressed). Only inferred frames reach the tracker (see ProcessedFrame).
#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QString>
#include <QVariantMap>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include "config/event_config.h"

namespace vigil {

class Camera;
struct Event;

class EventService : public QObject {
    Q_OBJECT
public:
    struct Options {
        EventsSettings settings;
        QString node;                 // this machine's name in event ids (default: the host name)
    };
    explicit EventService(Options options, QObject* parent = nullptr);
    ~EventService() override;         // stop()

    // Opens the store on the service's thread (waits for it, bounded). False with *error when the
    // store cannot be used: cameras still run, recording is off and status() says why.
    bool start(QString* error = nullptr);
    // Ends every event in progress, finishes clips, closes the store. Idempotent.
    void stop();

    // Starts recording the camera's events (its sink and frame tap). Not owned; call
    // removeCamera() before the camera goes.
    void addCamera(Camera* camera);
    // Ends its events in progress (they stay stored) and stops taking its frames.
    void removeCamera(Camera* camera);
    // The camera's settings changed: labels, filters, zones, retention, events on/off.
    void updateCamera(Camera* camera);

    // Deletes an event (row and files) on the service's thread; waits for it (bounded). False with
    // *error when it is unknown, still in progress elsewhere, or the store is off.
    bool removeEvent(const QString& id, QString* error = nullptr);

    // Stores an event that happened elsewhere (a remote node's), on the service's thread, without
    // waiting: inserted when its id is new, else updated (an empty track keeps the stored one; an
    // ended event stays ended); ended when it says so. Pictures, when given, are written (the boxed
    // one is drawn here from the clean snapshot). Emits eventChanged like a local event. False when
    // events are off or kMaxQueuedImports are waiting (dropped, counted).
    bool importEvent(const Event& event, const QByteArray& thumbnailJpeg = {}, const QByteArray& snapshotJpeg = {});
    quint64 droppedImports() const { return m_droppedImports.load(); }
    static constexpr int kMaxQueuedImports = 256;

    QString folder() const;
    QString status() const;           // "" while recording; else why not (store error, disk full)
    struct CameraCounts {
        int tracked = 0;              // confirmed objects in view now
        quint64 events = 0;           // events started since start
    };
    CameraCounts counts(const QString& cameraId) const;
    // Events in progress by label (objects of that label in view now); labels with none left out.
    QVariantMap liveCounts(const QString& cameraId) const;
    quint64 droppedObservations() const { return m_dropped.load(); }

    static constexpr int kMaxQueuedFrames = 64;
    static constexpr int kRecentFrames = 8;           // inferred frames kept for the best snapshot
    static constexpr qint64 kSnapshotIntervalNs = 1'000'000'000;  // rewrite a better snapshot at most this often
    static constexpr qint64 kRetentionIntervalNs = 600'000'000'000;

signals:
    // "new" | "update" | "end", with the event's fields (no track). Emitted on the service's own
    // thread: connect queued.
    void eventChanged(const QString& kind, const QJsonObject& event);
    void statusChanged(const QString& status);
    // A camera's liveCounts() changed. Emitted on the service's own thread: connect queued.
    void liveCountsChanged(const QString& cameraId, const QVariantMap& counts);

private:
    struct CameraEntry;
    struct Worker;
    struct Item;
    void push(Item&& item, bool droppable);
    void runLoop(Worker& worker);
    void setStatus(const QString& status);

    Options m_options;
    mutable std::mutex m_mutex;       // guards the fields below
    std::condition_variable m_wake;
    std::deque<Item>* m_queue;        // owned; an incomplete type here
    int m_queuedFrames = 0;
    int m_queuedImports = 0;
    std::atomic<quint64> m_droppedImports{0};
    QHash<QString, std::shared_ptr<CameraEntry>> m_cameras;
    QString m_status;
    bool m_stopping = false;
    bool m_started = false;
    std::atomic<quint64> m_dropped{0};
    std::thread m_thread;
};

} // namespace vigil
