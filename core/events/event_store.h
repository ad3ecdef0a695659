#pragma once
// The event store: events in SQLite (Qt SQL, QSQLITE), their snapshots and clips as files, all
// under one private folder:
//
//   <dir>/events.db            the database (WAL journal; schema version = PRAGMA user_version)
//   <dir>/snapshots/<id>.jpg, <id>-bbox.jpg, <id>-thumb.jpg
//   <dir>/clips/<id>.mkv       (written by the clip writer as <id>.mkv.part, then attachClip())
//   <dir>/events.lock          one writer per folder (QLockFile)
//
// Threads. Qt SQL connections belong to the thread that opened them, so an EventStore belongs to the
// thread that called open(); calls from any other thread fail with an error (never touch SQL).
//  - The writer: one EventStore (EventStore(options).open()) on the event writer thread. It alone
//    creates, migrates, writes, deletes and sweeps.
//  - Readers (HTTP server thread, GUI thread): each its own EventStore::openReadOnly(dir), created
//    and used on that thread. WAL lets them read committed events while the writer writes; they
//    never see an uncommitted batch. A reader opens lazily (no database yet = no events) and
//    reopens when the writer replaced the database (moved a corrupt one aside).
//
// Honesty of files (what a crash can leave):
//  - A row is inserted without files (has_snapshot/has_clip false). Files are written complete
//    under a temporary name, fsynced, renamed into place, and only then does the row say so. A crash
//    between file and row leaves a file the row does not claim: never a listed event that claims a
//    missing or partial file.
//  - Deleting (remove, retention) commits the row deletion first and unlinks the files after. A
//    crash in between leaves files without rows: sweepOrphans() (run by open()) removes them.
//  - Events still in progress when the writer died are ended by the next open() (at their last
//    track point).
//
// Errors. No method throws; each returns an error text instead. A database that cannot be read
// (garbage, corruption, a newer schema) is moved aside with its files into
// "<dir>/events.db.corrupt-<yyyyMMdd-HHmmss>/" (kept for inspection, named in a warning) and a new
// one is started. A write that fails for want of room (ENOSPC, EDQUOT, EFBIG, SQLITE_FULL), or free
// space below minFreeBytes, pauses recording: insert() and writeSnapshot() fail with
// "disk full: recording paused ..." until free space is back (checked at most every 2 s), so the
// pipeline goes on showing video. update()/end()/remove() keep working while paused.
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>
#include <compare>
#include <memory>
#include <optional>

#include "events/event.h"

class QSqlError;

namespace vigil {

enum class SnapshotKind { Clean, BoundingBox, Thumbnail };

// Where an event sits in the newest-first order: start_time, then seq (insertion order) to tell
// apart events that start at the same time. Keyset paging continues after the last key seen, so
// pages neither repeat nor skip rows while new events arrive.
struct EventKey {
    double startTime = 0;
    qint64 seq = 0;
    auto operator<=>(const EventKey&) const = default;
};

struct EventQuery {
    QString camera;                 // empty: any
    QString label;                  // empty: any
    QString zone;                   // empty: any; else events that entered this zone
    std::optional<double> after;    // start_time > after (epoch seconds)
    std::optional<double> before;   // start_time < before
    std::optional<bool> inProgress; // true: only in progress; false: only ended
    std::optional<EventKey> beforeKey;  // only events after this one in newest-first order (paging)
    int limit = 50;                 // clamped to [1, kMaxQueryLimit]
    bool withTrack = false;         // also read each event's track
};
inline constexpr int kMaxQueryLimit = 1000;

struct RetentionPolicy {
    double defaultDays = 30;              // for cameras not in perCameraDays (removed ones too)
    QHash<QString, double> perCameraDays; // camera id -> days
    qint64 maxTotalBytes = 10'000'000'000LL;  // files of all events together (10 GB)
};

struct StoreResult {
    bool ok = true;
    QString error;
    explicit operator bool() const { return ok; }
    static StoreResult failure(const QString& why) { return {false, why}; }
};

struct RetentionResult {
    int removedEvents = 0;
    qint64 freedBytes = 0;
    QString error;  // empty on success
};

class EventStore {
public:
    struct Options {
        QString dir;                              // the events folder (created 0700)
        RetentionPolicy retention;
        qint64 minFreeBytes = 256LL * 1024 * 1024; // below this free space, recording pauses
    };

    explicit EventStore(Options options);
    ~EventStore();
    EventStore(const EventStore&) = delete;
    EventStore& operator=(const EventStore&) = delete;

    // Writer: folder, lock, database (moved aside when unreadable), migrations, ends events left in
    // progress by a crash, sweeps orphan files. On failure the store stays closed and every call
    // returns an error; open() may be called again.
    StoreResult open();
    // A reader for the calling thread (see the header comment). Never fails: errors come per query.
    static std::unique_ptr<EventStore> openReadOnly(const QString& dir);

    bool isOpen() const;
    bool isReadOnly() const { return m_readOnly; }
    QString dir() const { return m_options.dir; }
    QString databasePath() const;
    // Notes for the user since open (database moved aside, folder tightened), oldest first.
    QStringList warnings() const { return m_warnings; }

    // Paths (empty for an id that is not isValidEventId()); they may not exist.
    QString snapshotPath(const QString& id, SnapshotKind kind) const;
    QString clipPath(const QString& id) const;
    QString clipPartPath(const QString& id) const;  // where the clip writer writes until complete
    // The same paths for a folder, without a store (e.g. a thumbnail loader on a worker thread).
    static QString snapshotPathIn(const QString& dir, const QString& id, SnapshotKind kind);
    static QString clipPathIn(const QString& dir, const QString& id);

    // --- writer only ---
    // Inserts a new event (has_snapshot/has_clip are stored false: files come through the calls
    // below). Fails when the id exists or is not isValidEventId(). Track is thinned to kMaxTrackPoints.
    StoreResult insert(const Event& event);
    // Updates what changes while tracking: camera_name, label, end_time, top_score, zones, box, track.
    StoreResult update(const Event& event);
    StoreResult end(const QString& id, double endTime);
    // Writes one snapshot JPEG completely, then marks it (Clean sets has_snapshot). Rewriting (a
    // better frame) replaces the file atomically.
    StoreResult writeSnapshot(const QString& id, SnapshotKind kind, const QByteArray& jpeg);
    // The clip at finishedPath (e.g. clipPartPath(id)) is complete: moves it to clipPath(id) and
    // sets has_clip. When the event is gone (retention, delete), the file is removed and it fails.
    StoreResult attachClip(const QString& id, const QString& finishedPath);
    // Deletes the row, then the files.
    StoreResult remove(const QString& id);
    // Deletes ended events older than their camera's days, then the oldest ended events until all
    // files fit in maxTotalBytes; rows first, files after. now: epoch seconds.
    RetentionResult applyRetention(double now);
    void setRetention(const RetentionPolicy& policy) { m_options.retention = policy; }
    // Removes files of no event (and stale temporaries) not modified in the last 2 minutes before
    // now (so a file being written is left alone). Returns the number removed, -1 on error.
    int sweepOrphans(double now);
    // Groups writes into one transaction (e.g. a bulk import, the benchmark); readers see all or none.
    StoreResult beginBatch();
    StoreResult commitBatch();

    bool isRecordingPaused() const { return m_paused; }
    QString pauseReason() const { return m_pauseReason; }
    void setMinFreeBytes(qint64 bytes);

    // --- readers and writer ---
    // Newest first (start_time, then insertion order). On error: empty list and *error set.
    QList<Event> query(const EventQuery& q, QString* error = nullptr);
    // The same, with each event's key in *keys (for the next page's beforeKey).
    QList<Event> queryPage(const EventQuery& q, QList<EventKey>* keys, QString* error = nullptr);
    std::optional<EventKey> keyOf(const QString& id, QString* error = nullptr);
    // Number of events matching q (its limit and beforeKey ignored); -1 on error.
    qint64 count(const EventQuery& q, QString* error = nullptr);
    // The distinct values of "camera", "label" or "zone" over all events, sorted (filter choices).
    QStringList distinctValues(const QString& field, QString* error = nullptr);
    std::optional<Event> event(const QString& id, bool withTrack = true, QString* error = nullptr);
    // Number of events and the bytes of their files (for statistics).
    qint64 count(QString* error = nullptr);
    qint64 totalBytes(QString* error = nullptr);

private:
    struct Db;

    EventStore(Options options, bool readOnly);
    StoreResult checkThread() const;
    StoreResult checkWriter();
    StoreResult ensureReader();
    StoreResult openDatabase();
    void closeDatabase();
    void moveAside(const QString& why);
    StoreResult checkRoom();
    StoreResult sqlFailure(const QString& what, const QSqlError& e);
    void pause(const QString& why);
    void endInterrupted();
    StoreResult refreshBytes(const QString& id, const char* flagColumn);
    void removeFiles(const QStringList& ids, qint64* freed = nullptr);
    QStringList filesOf(const QString& id) const;
    StoreResult deleteRows(const QStringList& ids);

    Options m_options;
    bool m_readOnly = false;
    QString m_connection;          // Qt SQL connection name, unique per instance
    std::unique_ptr<Db> m_db;      // open connection (+ its lock for the writer)
    const void* m_thread = nullptr;  // the thread that opened it
    unsigned long long m_dbInode = 0;  // readers: reopen when the file was replaced
    bool m_inBatch = false;
    bool m_paused = false;
    QString m_pauseReason;
    qint64 m_lastRoomCheckMs = -1;
    QStringList m_warnings;
};

} // namespace vigil
