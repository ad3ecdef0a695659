#include "events/event_store.h"

#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLockFile>
#include <QLoggingCategory>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStorageInfo>
#include <QThread>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "events/event_files.h"
#include "events/event_migrations.h"

Q_LOGGING_CATEGORY(lcEvents, "vigil.events", QtInfoMsg)

namespace vigil {

namespace {

constexpr int kSqliteCorrupt = 11;
constexpr int kSqliteFull = 13;
constexpr int kSqliteNotADb = 26;
constexpr qint64 kRoomCheckIntervalMs = 2000;
constexpr double kSweepGraceS = 120;
constexpr int kRetentionBatch = 500;

const QString kDbName = QStringLiteral("events.db");

QString nextConnectionName()
{
    static std::atomic<int> counter{0};
    return QStringLiteral("vigil-events-%1").arg(counter.fetch_add(1));
}

int sqliteCode(const QSqlError& e)
{
    return e.nativeErrorCode().toInt() & 0xff;
}

qint64 steadyMs()
{
    static QElapsedTimer timer = [] { QElapsedTimer t; t.start(); return t; }();
    return timer.elapsed();
}

unsigned long long inodeOf(const QString& path)
{
    struct stat st {};
    return ::stat(QFile::encodeName(path).constData(), &st) == 0 ? (unsigned long long)st.st_ino : 0;
}

QString trackToText(const QList<EventTrackPoint>& track)
{
    QJsonArray a;
    for (const EventTrackPoint& p : thinTrack(track))
        a.append(QJsonArray{p.t, p.box.x(), p.box.y(), p.box.width(), p.box.height(), p.score});
    return QString::fromUtf8(QJsonDocument(a).toJson(QJsonDocument::Compact));
}

QList<EventTrackPoint> trackFromText(const QString& text)
{
    QList<EventTrackPoint> track;
    for (const QJsonValue& v : QJsonDocument::fromJson(text.toUtf8()).array()) {
        const QJsonArray p = v.toArray();
        if (p.size() == 6)
            track.append({p[0].toDouble(), QRectF(p[1].toDouble(), p[2].toDouble(), p[3].toDouble(), p[4].toDouble()),
                          p[5].toDouble()});
    }
    return track;
}

QString zonesToText(const QStringList& zones)
{
    return QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(zones)).toJson(QJsonDocument::Compact));
}

QStringList zonesFromText(const QString& text)
{
    QStringList zones;
    for (const QJsonValue& v : QJsonDocument::fromJson(text.toUtf8()).array())
        zones.append(v.toString());
    return zones;
}

const char* const kColumns = "e.id, e.camera, e.camera_name, e.label, e.start_time, e.end_time, e.top_score, "
                             "e.zones, e.box_x, e.box_y, e.box_w, e.box_h, e.has_snapshot, e.has_clip";

Event eventFromRow(const QSqlQuery& q, bool withTrack)
{
    Event e;
    e.id = q.value(0).toString();
    e.camera = q.value(1).toString();
    e.cameraName = q.value(2).toString();
    e.label = q.value(3).toString();
    e.startTime = q.value(4).toDouble();
    if (!q.isNull(5))
        e.endTime = q.value(5).toDouble();
    e.topScore = q.value(6).toDouble();
    e.zones = zonesFromText(q.value(7).toString());
    e.box = QRectF(q.value(8).toDouble(), q.value(9).toDouble(), q.value(10).toDouble(), q.value(11).toDouble());
    e.hasSnapshot = q.value(12).toBool();
    e.hasClip = q.value(13).toBool();
    if (withTrack)
        e.track = trackFromText(q.value(14).toString());
    return e;
}

// A transaction of its own, unless the caller's batch is open.
class Tx {
public:
    Tx(QSqlDatabase& db, bool inBatch) : m_db(db), m_own(!inBatch) { m_ok = !m_own || m_db.transaction(); }
    ~Tx()
    {
        if (m_own && m_ok && !m_done)
            m_db.rollback();
    }
    bool ok() const { return m_ok; }
    bool commit()
    {
        m_done = true;
        return !m_own || m_db.commit();
    }

private:
    QSqlDatabase& m_db;
    bool m_own;
    bool m_ok = false;
    bool m_done = false;
};

} // namespace

struct EventStore::Db {
    QSqlDatabase sql;
    std::unique_ptr<QLockFile> lock;
    bool needsRecovery = false;  // the writer saw corruption: move aside at its next call
};

EventStore::EventStore(Options options) : EventStore(std::move(options), false) {}

EventStore::EventStore(Options options, bool readOnly)
    : m_options(std::move(options)), m_readOnly(readOnly), m_connection(nextConnectionName()),
      m_db(std::make_unique<Db>())
{
    m_options.dir = QDir::cleanPath(QFileInfo(m_options.dir).absoluteFilePath());
}

EventStore::~EventStore()
{
    closeDatabase();
}

std::unique_ptr<EventStore> EventStore::openReadOnly(const QString& dir)
{
    Options o;
    o.dir = dir;
    std::unique_ptr<EventStore> store(new EventStore(std::move(o), true));
    store->m_thread = QThread::currentThread();
    return store;
}

bool EventStore::isOpen() const
{
    return m_db->sql.isOpen();
}

QString EventStore::databasePath() const
{
    return m_options.dir + u'/' + kDbName;
}

QString EventStore::snapshotPathIn(const QString& dir, const QString& id, SnapshotKind kind)
{
    if (!isValidEventId(id))
        return {};
    const char* suffix = kind == SnapshotKind::Clean ? ".jpg" : kind == SnapshotKind::BoundingBox ? "-bbox.jpg" : "-thumb.jpg";
    return dir + QStringLiteral("/snapshots/") + id + QLatin1String(suffix);
}

QString EventStore::clipPathIn(const QString& dir, const QString& id)
{
    return isValidEventId(id) ? dir + QStringLiteral("/clips/") + id + QStringLiteral(".mkv") : QString();
}

QString EventStore::snapshotPath(const QString& id, SnapshotKind kind) const
{
    return snapshotPathIn(m_options.dir, id, kind);
}

QString EventStore::clipPath(const QString& id) const
{
    return clipPathIn(m_options.dir, id);
}

QString EventStore::clipPartPath(const QString& id) const
{
    const QString p = clipPath(id);
    return p.isEmpty() ? p : p + QStringLiteral(".part");
}

QStringList EventStore::filesOf(const QString& id) const
{
    return {snapshotPath(id, SnapshotKind::Clean), snapshotPath(id, SnapshotKind::BoundingBox),
            snapshotPath(id, SnapshotKind::Thumbnail), clipPath(id)};
}

// ---- opening ----

StoreResult EventStore::checkThread() const
{
    if (m_thread && m_thread != QThread::currentThread())
        return StoreResult::failure(QStringLiteral("event store used from another thread than the one that opened it"));
    return {};
}

StoreResult EventStore::checkWriter()
{
    if (m_readOnly)
        return StoreResult::failure(QStringLiteral("event store is read-only"));
    if (StoreResult r = checkThread(); !r)
        return r;
    if (m_db->needsRecovery && !m_inBatch) {
        m_db->needsRecovery = false;
        moveAside(QStringLiteral("it became corrupt while in use"));
        if (StoreResult r = openDatabase(); !r)
            return r;
    }
    if (!isOpen())
        return StoreResult::failure(QStringLiteral("event store is not open"));
    return {};
}

StoreResult EventStore::open()
{
    if (m_readOnly)
        return StoreResult::failure(QStringLiteral("a read-only store opens by itself"));
    if (isOpen())
        return {};
    m_thread = QThread::currentThread();
    QString note, error;
    for (const QString& d : {m_options.dir, m_options.dir + QStringLiteral("/snapshots"), m_options.dir + QStringLiteral("/clips")}) {
        if (!event_files::ensurePrivateDir(d, &note, &error))
            return StoreResult::failure(error);
        if (!note.isEmpty()) {
            qCWarning(lcEvents).noquote() << note;
            m_warnings.append(note);
            note.clear();
        }
    }
    if (!m_db->lock) {
        auto lock = std::make_unique<QLockFile>(m_options.dir + QStringLiteral("/events.lock"));
        if (!lock->tryLock(0)) {
            qint64 pid = 0;
            QString host, app;
            lock->getLockInfo(&pid, &host, &app);
            return StoreResult::failure(QStringLiteral("events folder %1 is in use by another process (pid %2)").arg(m_options.dir).arg(pid));
        }
        m_db->lock = std::move(lock);
    }
    if (StoreResult r = openDatabase(); !r)
        return r;
    endInterrupted();
    sweepOrphans(double(QDateTime::currentMSecsSinceEpoch()) / 1000.0);
    return {};
}

// Opens (or creates) the database; one that cannot be used is moved aside and a new one started.
StoreResult EventStore::openDatabase()
{
    for (int attempt = 0; attempt < 2; ++attempt) {
        closeDatabase();
        m_db->sql = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connection);
        QSqlDatabase& db = m_db->sql;
        db.setDatabaseName(databasePath());
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
        if (!db.open()) {
            const QString why = db.lastError().text();
            closeDatabase();
            return StoreResult::failure(QStringLiteral("cannot open %1: %2").arg(databasePath(), why));
        }
        QSqlQuery q(db);
        QString badReason;
        // The first read of the file tells garbage apart (SQLITE_NOTADB); quick_check finds damaged pages.
        const int version = eventSchemaVersion(db, &badReason);
        if (version < 0) {
            badReason = QStringLiteral("unreadable: %1").arg(badReason);
        } else if (version > currentEventSchemaVersion()) {
            badReason = QStringLiteral("made by a newer Vigil (schema %1, this one knows %2)").arg(version).arg(currentEventSchemaVersion());
        } else if (!q.exec(QStringLiteral("PRAGMA quick_check(1)")) || !q.next() || q.value(0).toString() != QLatin1String("ok")) {
            badReason = QStringLiteral("damaged: %1").arg(q.lastError().isValid() ? q.lastError().text() : q.value(0).toString());
        }
        q.finish();
        if (!badReason.isEmpty()) {
            if (attempt > 0)
                return StoreResult::failure(QStringLiteral("new events database %1 is unusable: %2").arg(databasePath(), badReason));
            q = QSqlQuery();
            moveAside(badReason);
            continue;
        }
        // WAL: readers on other threads go on reading while the writer commits. NORMAL sync in WAL
        // mode never corrupts; a power cut may lose the last commits only.
        if (!q.exec(QStringLiteral("PRAGMA journal_mode=WAL")) || !q.next() || q.value(0).toString() != QLatin1String("wal"))
            return StoreResult::failure(QStringLiteral("cannot use WAL journal for %1: %2").arg(databasePath(), q.lastError().text()));
        q.finish();  // an active statement would keep the migrations' commits from completing
        QString error;
        if (!execAll(db, {QStringLiteral("PRAGMA synchronous=NORMAL"), QStringLiteral("PRAGMA foreign_keys=ON")}, &error)
            || !migrateEventDb(db, eventMigrations(), &error)) {
            q = QSqlQuery();
            closeDatabase();
            return StoreResult::failure(QStringLiteral("events database %1: %2").arg(databasePath(), error));
        }
        return {};
    }
    return StoreResult::failure(QStringLiteral("cannot open %1").arg(databasePath()));
}

void EventStore::closeDatabase()
{
    if (!m_db->sql.isValid())
        return;
    m_db->sql.close();
    m_db->sql = QSqlDatabase();
    QSqlDatabase::removeDatabase(m_connection);
    m_inBatch = false;
}

// Keeps the unusable database, with the files its rows describe, in one folder beside it.
void EventStore::moveAside(const QString& why)
{
    closeDatabase();
    const QString stamp = QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss"));
    QString aside = databasePath() + QStringLiteral(".corrupt-") + stamp;
    for (int n = 2; QFileInfo::exists(aside); ++n)
        aside = databasePath() + QStringLiteral(".corrupt-%1-%2").arg(stamp).arg(n);
    QDir().mkdir(aside, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    QFile::rename(databasePath(), aside + u'/' + kDbName);
    QFile::rename(databasePath() + QStringLiteral("-wal"), aside + u'/' + kDbName + QStringLiteral("-wal"));
    QFile::remove(databasePath() + QStringLiteral("-shm"));
    for (const char* sub : {"snapshots", "clips"}) {
        const QString from = m_options.dir + u'/' + QLatin1String(sub);
        QFile::rename(from, aside + u'/' + QLatin1String(sub));
        QString ignored;
        event_files::ensurePrivateDir(from, &ignored, &ignored);
    }
    const QString warning = QStringLiteral("events database %1 is %2; moved aside with its snapshots and clips to %3; "
                                           "a new one was started").arg(databasePath(), why, aside);
    qCWarning(lcEvents).noquote() << warning;
    m_warnings.append(warning);
}

// Events in progress when the writer died can never end otherwise: they end at their last sighting.
void EventStore::endInterrupted()
{
    QSqlQuery q(m_db->sql);
    q.setForwardOnly(true);
    if (!q.exec(QStringLiteral("SELECT seq, start_time, track FROM events WHERE end_time IS NULL")))
        return;
    QList<QPair<qint64, double>> ends;
    while (q.next()) {
        double end = q.value(1).toDouble();
        const QList<EventTrackPoint> track = trackFromText(q.value(2).toString());
        if (!track.isEmpty())
            end = std::max(end, track.last().t);
        ends.append({q.value(0).toLongLong(), end});
    }
    q.finish();
    if (ends.isEmpty())
        return;
    Tx tx(m_db->sql, m_inBatch);
    q.prepare(QStringLiteral("UPDATE events SET end_time = ? WHERE seq = ?"));
    for (const auto& [seq, end] : ends) {
        q.addBindValue(end);
        q.addBindValue(seq);
        q.exec();
    }
    tx.commit();
    qCInfo(lcEvents) << "ended" << ends.size() << "events left in progress by the last run";
}

StoreResult EventStore::ensureReader()
{
    if (StoreResult r = checkThread(); !r)
        return r;
    const unsigned long long inode = inodeOf(databasePath());
    if (isOpen() && inode == m_dbInode)
        return {};
    closeDatabase();
    if (inode == 0)
        return {};  // no database yet: no events
    m_db->sql = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connection);
    QSqlDatabase& db = m_db->sql;
    db.setDatabaseName(databasePath());
    db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
    QString error;
    if (!db.open() || !execAll(db, {QStringLiteral("PRAGMA query_only=1")}, &error)) {
        error = db.lastError().isValid() ? db.lastError().text() : error;
        closeDatabase();
        return StoreResult::failure(QStringLiteral("cannot read %1: %2").arg(databasePath(), error));
    }
    const int version = eventSchemaVersion(db, &error);
    if (version != currentEventSchemaVersion()) {
        closeDatabase();
        return StoreResult::failure(version < 0 ? QStringLiteral("cannot read %1: %2").arg(databasePath(), error)
                                                : QStringLiteral("events database %1 has schema %2, not %3 (not ready yet?)")
                                                      .arg(databasePath()).arg(version).arg(currentEventSchemaVersion()));
    }
    m_dbInode = inode;
    return {};
}

// ---- failures and room ----

void EventStore::pause(const QString& why)
{
    if (!m_paused)
        qCWarning(lcEvents).noquote() << why;
    m_paused = true;
    m_pauseReason = why;
    m_lastRoomCheckMs = steadyMs();
}

void EventStore::setMinFreeBytes(qint64 bytes)
{
    m_options.minFreeBytes = bytes;
    m_lastRoomCheckMs = -1;
}

StoreResult EventStore::checkRoom()
{
    const qint64 now = steadyMs();
    if (m_lastRoomCheckMs >= 0 && now - m_lastRoomCheckMs < kRoomCheckIntervalMs)
        return m_paused ? StoreResult::failure(m_pauseReason) : StoreResult{};
    m_lastRoomCheckMs = now;
    const qint64 available = QStorageInfo(m_options.dir).bytesAvailable();
    if (available >= 0 && available < m_options.minFreeBytes) {
        pause(QStringLiteral("disk full: recording paused (%1 MB free in %2, %3 MB needed)")
                  .arg(available / 1000000).arg(m_options.dir).arg(m_options.minFreeBytes / 1000000));
        return StoreResult::failure(m_pauseReason);
    }
    if (m_paused) {
        m_paused = false;
        m_pauseReason.clear();
        qCInfo(lcEvents) << "free space is back: recording resumed";
    }
    return {};
}

StoreResult EventStore::sqlFailure(const QString& what, const QSqlError& e)
{
    const int code = sqliteCode(e);
    if (code == kSqliteFull)
        pause(QStringLiteral("disk full: recording paused (%1: %2)").arg(what, e.text()));
    else if ((code == kSqliteCorrupt || code == kSqliteNotADb) && !m_readOnly)
        m_db->needsRecovery = true;
    return StoreResult::failure(QStringLiteral("%1: %2").arg(what, e.text()));
}

// ---- writing ----

StoreResult EventStore::beginBatch()
{
    if (StoreResult r = checkWriter(); !r)
        return r;
    if (m_inBatch)
        return StoreResult::failure(QStringLiteral("a batch is already open"));
    if (!m_db->sql.transaction())
        return sqlFailure(QStringLiteral("cannot begin a batch"), m_db->sql.lastError());
    m_inBatch = true;
    return {};
}

StoreResult EventStore::commitBatch()
{
    if (StoreResult r = checkWriter(); !r)
        return r;
    if (!m_inBatch)
        return StoreResult::failure(QStringLiteral("no batch is open"));
    m_inBatch = false;
    if (!m_db->sql.commit()) {
        const QSqlError e = m_db->sql.lastError();
        m_db->sql.rollback();
        return sqlFailure(QStringLiteral("cannot commit the batch"), e);
    }
    return {};
}

StoreResult EventStore::insert(const Event& e)
{
    if (StoreResult r = checkWriter(); !r)
        return r;
    if (!isValidEventId(e.id))
        return StoreResult::failure(QStringLiteral("invalid event id \"%1\"").arg(e.id.left(80)));
    if (StoreResult r = checkRoom(); !r)
        return r;
    Tx tx(m_db->sql, m_inBatch);
    QSqlQuery q(m_db->sql);
    q.prepare(QStringLiteral("INSERT INTO events (id, camera, camera_name, label, start_time, end_time, top_score, zones,"
                             " box_x, box_y, box_w, box_h, track) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)"));
    for (const QVariant& v : {QVariant(e.id), QVariant(e.camera), QVariant(e.cameraName), QVariant(e.label),
                              QVariant(e.startTime), e.endTime ? QVariant(*e.endTime) : QVariant(QMetaType(QMetaType::Double)),
                              QVariant(e.topScore), QVariant(zonesToText(e.zones)), QVariant(e.box.x()), QVariant(e.box.y()),
                              QVariant(e.box.width()), QVariant(e.box.height()), QVariant(trackToText(e.track))})
        q.addBindValue(v);
    if (!tx.ok() || !q.exec())
        return sqlFailure(QStringLiteral("cannot insert event %1").arg(e.id), q.lastError());
    const qint64 seq = q.lastInsertId().toLongLong();
    q.prepare(QStringLiteral("INSERT OR IGNORE INTO event_zones (zone, start_time, event_seq) VALUES (?,?,?)"));
    for (const QString& zone : e.zones) {
        q.addBindValue(zone);
        q.addBindValue(e.startTime);
        q.addBindValue(seq);
        if (!q.exec())
            return sqlFailure(QStringLiteral("cannot insert zones of event %1").arg(e.id), q.lastError());
    }
    if (!tx.commit())
        return sqlFailure(QStringLiteral("cannot commit event %1").arg(e.id), m_db->sql.lastError());
    return {};
}

StoreResult EventStore::update(const Event& e)
{
    if (StoreResult r = checkWriter(); !r)
        return r;
    Tx tx(m_db->sql, m_inBatch);
    QSqlQuery q(m_db->sql);
    q.prepare(QStringLiteral("SELECT seq, start_time FROM events WHERE id = ?"));
    q.addBindValue(e.id);
    if (!tx.ok() || !q.exec())
        return sqlFailure(QStringLiteral("cannot update event %1").arg(e.id), q.lastError());
    if (!q.next())
        return StoreResult::failure(QStringLiteral("no event %1").arg(e.id));
    const qint64 seq = q.value(0).toLongLong();
    const double start = q.value(1).toDouble();
    q.finish();
    q.prepare(QStringLiteral("UPDATE events SET camera_name = ?, label = ?, end_time = ?, top_score = ?, zones = ?,"
                             " box_x = ?, box_y = ?, box_w = ?, box_h = ?, track = ? WHERE seq = ?"));
    for (const QVariant& v : {QVariant(e.cameraName), QVariant(e.label),
                              e.endTime ? QVariant(*e.endTime) : QVariant(QMetaType(QMetaType::Double)),
                              QVariant(e.topScore), QVariant(zonesToText(e.zones)), QVariant(e.box.x()), QVariant(e.box.y()),
                              QVariant(e.box.width()), QVariant(e.box.height()), QVariant(trackToText(e.track)), QVariant(seq)})
        q.addBindValue(v);
    if (!q.exec())
        return sqlFailure(QStringLiteral("cannot update event %1").arg(e.id), q.lastError());
    q.prepare(QStringLiteral("DELETE FROM event_zones WHERE event_seq = ?"));
    q.addBindValue(seq);
    if (!q.exec())
        return sqlFailure(QStringLiteral("cannot update zones of event %1").arg(e.id), q.lastError());
    q.prepare(QStringLiteral("INSERT OR IGNORE INTO event_zones (zone, start_time, event_seq) VALUES (?,?,?)"));
    for (const QString& zone : e.zones) {
        q.addBindValue(zone);
        q.addBindValue(start);
        q.addBindValue(seq);
        if (!q.exec())
            return sqlFailure(QStringLiteral("cannot update zones of event %1").arg(e.id), q.lastError());
    }
    if (!tx.commit())
        return sqlFailure(QStringLiteral("cannot commit event %1").arg(e.id), m_db->sql.lastError());
    return {};
}

StoreResult EventStore::end(const QString& id, double endTime)
{
    if (StoreResult r = checkWriter(); !r)
        return r;
    QSqlQuery q(m_db->sql);
    q.prepare(QStringLiteral("UPDATE events SET end_time = ? WHERE id = ?"));
    q.addBindValue(endTime);
    q.addBindValue(id);
    if (!q.exec())
        return sqlFailure(QStringLiteral("cannot end event %1").arg(id), q.lastError());
    if (q.numRowsAffected() < 1)
        return StoreResult::failure(QStringLiteral("no event %1").arg(id));
    return {};
}

// Records the size of the event's files and, when flagColumn is given, that its file is complete.
StoreResult EventStore::refreshBytes(const QString& id, const char* flagColumn)
{
    qint64 bytes = 0;
    for (const QString& path : filesOf(id))
        bytes += event_files::fileSize(path);
    QSqlQuery q(m_db->sql);
    const QString flag = flagColumn ? QStringLiteral(", %1 = 1").arg(QLatin1String(flagColumn)) : QString();
    q.prepare(QStringLiteral("UPDATE events SET bytes = ?%1 WHERE id = ?").arg(flag));
    q.addBindValue(bytes);
    q.addBindValue(id);
    if (!q.exec())
        return sqlFailure(QStringLiteral("cannot record the files of event %1").arg(id), q.lastError());
    if (q.numRowsAffected() < 1)
        return StoreResult::failure(QStringLiteral("no event %1").arg(id));
    return {};
}

StoreResult EventStore::writeSnapshot(const QString& id, SnapshotKind kind, const QByteArray& jpeg)
{
    if (StoreResult r = checkWriter(); !r)
        return r;
    if (!isValidEventId(id))
        return StoreResult::failure(QStringLiteral("invalid event id \"%1\"").arg(id.left(80)));
    if (StoreResult r = checkRoom(); !r)
        return r;
    if (!event(id, false))
        return StoreResult::failure(QStringLiteral("no event %1").arg(id));
    const QString path = snapshotPath(id, kind);
    const event_files::WriteResult w = event_files::writeFileAtomically(path, jpeg);
    if (!w.ok) {
        if (event_files::isNoRoom(w.errnoValue))
            pause(QStringLiteral("disk full: recording paused (%1)").arg(w.error));
        return StoreResult::failure(event_files::isNoRoom(w.errnoValue) ? m_pauseReason : w.error);
    }
    StoreResult r = refreshBytes(id, kind == SnapshotKind::Clean ? "has_snapshot" : nullptr);
    if (!r && !event(id, false))
        QFile::remove(path);  // the event went away meanwhile: no orphan
    return r;
}

StoreResult EventStore::attachClip(const QString& id, const QString& finishedPath)
{
    if (StoreResult r = checkWriter(); !r)
        return r;
    if (!isValidEventId(id))
        return StoreResult::failure(QStringLiteral("invalid event id \"%1\"").arg(id.left(80)));
    if (!event(id, false)) {
        QFile::remove(finishedPath);
        return StoreResult::failure(QStringLiteral("no event %1 (its clip was removed)").arg(id));
    }
    const QString target = clipPath(id);
    const QByteArray from = QFile::encodeName(finishedPath);
    // The clip's bytes must be on disk before the row says it is complete.
    const int fd = ::open(from.constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return StoreResult::failure(QStringLiteral("clip %1: %2").arg(finishedPath, QString::fromLocal8Bit(std::strerror(errno))));
    const bool synced = ::fsync(fd) == 0;
    ::close(fd);
    if (!synced || event_files::fileSize(finishedPath) <= 0)
        return StoreResult::failure(QStringLiteral("clip %1 is empty or cannot be synced").arg(finishedPath));
    if (finishedPath != target && ::rename(from.constData(), QFile::encodeName(target).constData()) != 0)
        return StoreResult::failure(QStringLiteral("cannot move clip %1 to %2: %3")
                                        .arg(finishedPath, target, QString::fromLocal8Bit(std::strerror(errno))));
    return refreshBytes(id, "has_clip");
}

StoreResult EventStore::deleteRows(const QStringList& ids)
{
    Tx tx(m_db->sql, m_inBatch);
    QSqlQuery q(m_db->sql);
    q.prepare(QStringLiteral("DELETE FROM events WHERE id = ?"));  // zones go by ON DELETE CASCADE
    for (const QString& id : ids) {
        q.addBindValue(id);
        if (!tx.ok() || !q.exec())
            return sqlFailure(QStringLiteral("cannot delete event %1").arg(id), q.lastError());
    }
    if (!tx.commit())
        return sqlFailure(QStringLiteral("cannot commit deletions"), m_db->sql.lastError());
    return {};
}

void EventStore::removeFiles(const QStringList& ids, qint64* freed)
{
    for (const QString& id : ids) {
        QStringList paths = filesOf(id);
        for (const QString& p : filesOf(id))
            paths << p + QStringLiteral(".tmp");
        paths << clipPartPath(id);
        for (const QString& p : paths) {
            const qint64 size = event_files::fileSize(p);
            if (::unlink(QFile::encodeName(p).constData()) == 0 && freed)
                *freed += size;
        }
    }
}

StoreResult EventStore::remove(const QString& id)
{
    if (StoreResult r = checkWriter(); !r)
        return r;
    if (!isValidEventId(id))
        return StoreResult::failure(QStringLiteral("invalid event id \"%1\"").arg(id.left(80)));
    const bool existed = event(id, false).has_value();
    // Rows first: a crash before the files go leaves orphans (swept), never a row without its files.
    if (StoreResult r = deleteRows({id}); !r)
        return r;
    removeFiles({id});
    return existed ? StoreResult{} : StoreResult::failure(QStringLiteral("no event %1").arg(id));
}

RetentionResult EventStore::applyRetention(double now)
{
    RetentionResult result;
    if (StoreResult r = checkWriter(); !r) {
        result.error = r.error;
        return result;
    }
    auto removeBatch = [&](const QStringList& ids) {
        if (ids.isEmpty())
            return true;
        if (StoreResult r = deleteRows(ids); !r) {
            result.error = r.error;
            return false;
        }
        removeFiles(ids, &result.freedBytes);
        result.removedEvents += int(ids.size());
        return true;
    };
    QSqlQuery q(m_db->sql);
    q.setForwardOnly(true);
    // Age, per camera (cameras no longer configured get the default). Days <= 0: no age limit.
    QStringList cameras;
    if (!q.exec(QStringLiteral("SELECT DISTINCT camera FROM events"))) {
        result.error = sqlFailure(QStringLiteral("retention"), q.lastError()).error;
        return result;
    }
    while (q.next())
        cameras << q.value(0).toString();
    for (const QString& camera : cameras) {
        const double days = m_options.retention.perCameraDays.value(camera, m_options.retention.defaultDays);
        if (days <= 0)
            continue;
        for (;;) {
            q.prepare(QStringLiteral("SELECT id FROM events WHERE camera = ? AND start_time < ? AND end_time IS NOT NULL"
                                     " ORDER BY start_time LIMIT %1").arg(kRetentionBatch));
            q.addBindValue(camera);
            q.addBindValue(now - days * 86400.0);
            QStringList ids;
            if (!q.exec()) {
                result.error = sqlFailure(QStringLiteral("retention"), q.lastError()).error;
                return result;
            }
            while (q.next())
                ids << q.value(0).toString();
            q.finish();
            if (!removeBatch(ids))
                return result;
            if (ids.size() < kRetentionBatch)
                break;
        }
    }
    // Size: the oldest ended events go until the files of all fit.
    for (;;) {
        if (!q.exec(QStringLiteral("SELECT coalesce(sum(bytes), 0) FROM events")) || !q.next()) {
            result.error = sqlFailure(QStringLiteral("retention"), q.lastError()).error;
            return result;
        }
        qint64 excess = q.value(0).toLongLong() - m_options.retention.maxTotalBytes;
        q.finish();
        if (excess <= 0)
            break;
        if (!q.exec(QStringLiteral("SELECT id, bytes FROM events WHERE end_time IS NOT NULL ORDER BY start_time, seq LIMIT %1")
                        .arg(kRetentionBatch))) {
            result.error = sqlFailure(QStringLiteral("retention"), q.lastError()).error;
            return result;
        }
        QStringList ids;
        while (excess > 0 && q.next()) {
            ids << q.value(0).toString();
            excess -= q.value(1).toLongLong();
        }
        q.finish();
        if (ids.isEmpty() || !removeBatch(ids))
            break;
    }
    if (result.removedEvents > 0)
        qCInfo(lcEvents) << "retention removed" << result.removedEvents << "events," << result.freedBytes << "bytes";
    return result;
}

int EventStore::sweepOrphans(double now)
{
    if (!checkWriter())
        return -1;
    QSet<QString> known;
    {
        QSqlQuery q(m_db->sql);
        q.setForwardOnly(true);
        if (!q.exec(QStringLiteral("SELECT id FROM events"))) {
            sqlFailure(QStringLiteral("sweep"), q.lastError());
            return -1;
        }
        while (q.next())
            known.insert(q.value(0).toString());
    }
    int removed = 0;
    for (const char* sub : {"snapshots", "clips"}) {
        QDir dir(m_options.dir + u'/' + QLatin1String(sub));
        for (const QFileInfo& fi : dir.entryInfoList(QDir::Files | QDir::Hidden | QDir::System)) {
            const QString name = fi.fileName();
            const QStringList ids = event_files::eventIdsOfFile(name);
            if (ids.isEmpty())
                continue;  // not a name the store makes: not ours to delete
            if (now - double(fi.lastModified().toMSecsSinceEpoch()) / 1000.0 < kSweepGraceS)
                continue;  // may still be being written
            const bool orphan = std::none_of(ids.begin(), ids.end(), [&](const QString& id) { return known.contains(id); });
            // A .tmp is only ever ours mid-write, so an old one is a crash's leftover.
            if (orphan || name.endsWith(QLatin1String(".tmp"))) {
                if (QFile::remove(fi.absoluteFilePath()))
                    ++removed;
            }
        }
    }
    if (removed > 0)
        qCInfo(lcEvents) << "removed" << removed << "files of no event";
    return removed;
}

// ---- reading ----

namespace {

// The FROM and WHERE of a query (its filters; the key too when withKey), with the values to bind.
struct QuerySql {
    QString fromWhere;
    QVariantList binds;
};

QuerySql querySql(const EventQuery& eq, bool withKey)
{
    // With a zone, walk that zone's (zone, start_time) index; else the events' own indexes.
    const bool byZone = !eq.zone.isEmpty();
    const QString time = byZone ? QStringLiteral("z.start_time") : QStringLiteral("e.start_time");
    QuerySql out;
    out.fromWhere = byZone ? QStringLiteral("event_zones z JOIN events e ON e.seq = z.event_seq") : QStringLiteral("events e");
    QStringList where;
    if (byZone) {
        where << QStringLiteral("z.zone = ?");
        out.binds << eq.zone;
    }
    if (!eq.camera.isEmpty()) {
        where << QStringLiteral("e.camera = ?");
        out.binds << eq.camera;
    }
    if (!eq.label.isEmpty()) {
        where << QStringLiteral("e.label = ?");
        out.binds << eq.label;
    }
    if (eq.after) {
        where << time + QStringLiteral(" > ?");
        out.binds << *eq.after;
    }
    if (eq.before) {
        where << time + QStringLiteral(" < ?");
        out.binds << *eq.before;
    }
    if (eq.inProgress)
        where << (*eq.inProgress ? QStringLiteral("e.end_time IS NULL") : QStringLiteral("e.end_time IS NOT NULL"));
    if (withKey && eq.beforeKey) {
        // A row value: SQLite walks the same index from the key on.
        where << (byZone ? QStringLiteral("(z.start_time, z.event_seq) < (?, ?)") : QStringLiteral("(e.start_time, e.seq) < (?, ?)"));
        out.binds << eq.beforeKey->startTime << eq.beforeKey->seq;
    }
    if (!where.isEmpty())
        out.fromWhere += QStringLiteral(" WHERE ") + where.join(QStringLiteral(" AND "));
    return out;
}

} // namespace

QList<Event> EventStore::query(const EventQuery& eq, QString* error)
{
    return queryPage(eq, nullptr, error);
}

QList<Event> EventStore::queryPage(const EventQuery& eq, QList<EventKey>* keys, QString* error)
{
    auto fail = [&](const QString& why) {
        if (error)
            *error = why;
        return QList<Event>();
    };
    if (keys)
        keys->clear();
    if (StoreResult r = m_readOnly ? ensureReader() : checkThread(); !r)
        return fail(r.error);
    if (!isOpen())
        return m_readOnly ? QList<Event>() : fail(QStringLiteral("event store is not open"));
    const bool byZone = !eq.zone.isEmpty();
    const QuerySql parts = querySql(eq, true);
    QString sql = QStringLiteral("SELECT %1%2, e.seq FROM ").arg(QLatin1String(kColumns), eq.withTrack ? QStringLiteral(", e.track") : QString());
    sql += parts.fromWhere;
    sql += byZone ? QStringLiteral(" ORDER BY z.start_time DESC, z.event_seq DESC") : QStringLiteral(" ORDER BY e.start_time DESC, e.seq DESC");
    sql += QStringLiteral(" LIMIT %1").arg(std::clamp(eq.limit, 1, kMaxQueryLimit));

    QSqlQuery q(m_db->sql);
    q.setForwardOnly(true);
    q.prepare(sql);
    for (const QVariant& v : parts.binds)
        q.addBindValue(v);
    if (!q.exec())
        return fail(sqlFailure(QStringLiteral("cannot query events"), q.lastError()).error);
    const int seqColumn = eq.withTrack ? 15 : 14;
    QList<Event> events;
    while (q.next()) {
        events.append(eventFromRow(q, eq.withTrack));
        if (keys)
            keys->append(EventKey{events.last().startTime, q.value(seqColumn).toLongLong()});
    }
    return events;
}

qint64 EventStore::count(const EventQuery& eq, QString* error)
{
    if (StoreResult r = m_readOnly ? ensureReader() : checkThread(); !r || !isOpen()) {
        if (error)
            *error = r ? QStringLiteral("event store is not open") : r.error;
        return m_readOnly && r ? 0 : -1;
    }
    const QuerySql parts = querySql(eq, false);
    QSqlQuery q(m_db->sql);
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT count(*) FROM ") + parts.fromWhere);
    for (const QVariant& v : parts.binds)
        q.addBindValue(v);
    if (!q.exec() || !q.next()) {
        if (error)
            *error = sqlFailure(QStringLiteral("cannot count events"), q.lastError()).error;
        return -1;
    }
    return q.value(0).toLongLong();
}

std::optional<EventKey> EventStore::keyOf(const QString& id, QString* error)
{
    if (StoreResult r = m_readOnly ? ensureReader() : checkThread(); !r || !isOpen()) {
        if (error && !r)
            *error = r.error;
        return std::nullopt;
    }
    QSqlQuery q(m_db->sql);
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT start_time, seq FROM events WHERE id = ?"));
    q.addBindValue(id);
    if (!q.exec()) {
        if (error)
            *error = sqlFailure(QStringLiteral("cannot read event %1").arg(id), q.lastError()).error;
        return std::nullopt;
    }
    if (!q.next())
        return std::nullopt;
    return EventKey{q.value(0).toDouble(), q.value(1).toLongLong()};
}

QStringList EventStore::distinctValues(const QString& field, QString* error)
{
    // Each walks an index whose first column is the field.
    QString sql;
    if (field == QLatin1String("camera"))
        sql = QStringLiteral("SELECT DISTINCT camera FROM events ORDER BY camera");
    else if (field == QLatin1String("label"))
        sql = QStringLiteral("SELECT DISTINCT label FROM events ORDER BY label");
    else if (field == QLatin1String("zone"))
        sql = QStringLiteral("SELECT DISTINCT zone FROM event_zones ORDER BY zone");
    if (sql.isEmpty()) {
        if (error)
            *error = QStringLiteral("no such field: %1").arg(field);
        return {};
    }
    if (StoreResult r = m_readOnly ? ensureReader() : checkThread(); !r || !isOpen()) {
        if (error && !r)
            *error = r.error;
        return {};
    }
    QSqlQuery q(m_db->sql);
    q.setForwardOnly(true);
    if (!q.exec(sql)) {
        if (error)
            *error = sqlFailure(QStringLiteral("cannot list %1 values").arg(field), q.lastError()).error;
        return {};
    }
    QStringList values;
    while (q.next())
        values << q.value(0).toString();
    return values;
}

std::optional<Event> EventStore::event(const QString& id, bool withTrack, QString* error)
{
    auto fail = [&](const QString& why) {
        if (error)
            *error = why;
        return std::optional<Event>();
    };
    if (StoreResult r = m_readOnly ? ensureReader() : checkThread(); !r)
        return fail(r.error);
    if (!isOpen())
        return m_readOnly ? std::nullopt : fail(QStringLiteral("event store is not open"));
    QSqlQuery q(m_db->sql);
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT %1%2 FROM events e WHERE e.id = ?").arg(QLatin1String(kColumns), withTrack ? QStringLiteral(", e.track") : QString()));
    q.addBindValue(id);
    if (!q.exec())
        return fail(sqlFailure(QStringLiteral("cannot read event %1").arg(id), q.lastError()).error);
    if (!q.next())
        return std::nullopt;
    return eventFromRow(q, withTrack);
}

qint64 EventStore::count(QString* error)
{
    if (StoreResult r = m_readOnly ? ensureReader() : checkThread(); !r || !isOpen()) {
        if (error)
            *error = r ? QStringLiteral("event store is not open") : r.error;
        return m_readOnly && r ? 0 : -1;
    }
    QSqlQuery q(m_db->sql);
    if (!q.exec(QStringLiteral("SELECT count(*) FROM events")) || !q.next()) {
        if (error)
            *error = q.lastError().text();
        return -1;
    }
    return q.value(0).toLongLong();
}

qint64 EventStore::totalBytes(QString* error)
{
    if (StoreResult r = m_readOnly ? ensureReader() : checkThread(); !r || !isOpen()) {
        if (error)
            *error = r ? QStringLiteral("event store is not open") : r.error;
        return m_readOnly && r ? 0 : -1;
    }
    QSqlQuery q(m_db->sql);
    if (!q.exec(QStringLiteral("SELECT coalesce(sum(bytes), 0) FROM events")) || !q.next()) {
        if (error)
            *error = q.lastError().text();
        return -1;
    }
    return q.value(0).toLongLong();
}

} // namespace vigil
