// Event store: schema and migrations, filters, files written before rows claim them, retention,
// crash and corruption recovery, full disk, private folder, readers on other threads.
#include <QJsonArray>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include "events/event_files.h"
#include "events/event_migrations.h"
#include "events/event_store.h"

using namespace vigil;

namespace {

Event makeEvent(const QString& id, const QString& camera, const QString& label, double start,
                const QStringList& zones = {}, bool inProgress = false)
{
    Event e;
    e.id = id;
    e.camera = camera;
    e.cameraName = camera.toUpper() + QStringLiteral(" door");
    e.label = label;
    e.startTime = start;
    if (!inProgress)
        e.endTime = start + 10;
    e.topScore = 0.8;
    e.zones = zones;
    e.box = QRectF(10, 20, 30, 40);
    e.track = {{start, QRectF(1, 2, 3, 4), 0.7}, {start + 1, QRectF(2, 3, 4, 5), 0.8}};
    return e;
}

QStringList ids(const QList<Event>& events)
{
    QStringList out;
    for (const Event& e : events)
        out << e.id;
    return out;
}

int modeOf(const QString& path)
{
    struct stat st {};
    return ::stat(QFile::encodeName(path).constData(), &st) == 0 ? int(st.st_mode & 0777) : -1;
}

bool writeBytes(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

// A raw connection to a database file, outside the store (to look at or forge its schema).
struct RawDb {
    explicit RawDb(const QString& path) : name(QStringLiteral("raw-%1").arg(++counter))
    {
        db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        db.open();
    }
    ~RawDb()
    {
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(name);
    }
    QVariant scalar(const QString& sql)
    {
        QSqlQuery q(db);
        return q.exec(sql) && q.next() ? q.value(0) : QVariant();
    }
    QStringList column(const QString& sql)
    {
        QSqlQuery q(db);
        QStringList out;
        if (q.exec(sql))
            while (q.next())
                out << q.value(0).toString();
        return out;
    }
    static inline int counter = 0;
    QString name;
    QSqlDatabase db;
};

std::unique_ptr<EventStore> openStore(const QString& dir, RetentionPolicy retention = {})
{
    EventStore::Options o;
    o.dir = dir;
    o.retention = std::move(retention);
    o.minFreeBytes = 0;
    auto store = std::make_unique<EventStore>(o);
    const StoreResult r = store->open();
    if (!r)
        qWarning() << "open failed:" << r.error;
    return store;
}

double nowS() { return double(QDateTime::currentMSecsSinceEpoch()) / 1000.0; }

} // namespace

class TestEventStore : public QObject {
    Q_OBJECT

private slots:
    void schemaCreatedFromEmpty();
    void migratesFromVersion0();
    void migrationStepsAreAtomicAndNewerIsMovedAside();
    void filtersAndNewestFirst();
    void updateEndAndGetById();
    void trackIsBounded();
    void jsonHasFrigateFields();
    void idsAreSafeFileNames();
    void flagsOnlyOnceFilesAreComplete();
    void crashBeforeRowCommitListsNothing();
    void interruptedEventsEndOnOpen();
    void retentionByDaysPerCamera();
    void retentionByTotalBytes();
    void diskFullPausesRecording();
    void corruptDatabaseIsMovedAside();
    void folderIsPrivate();
    void deleteRemovesRowAndFiles();
    void readerOnAnotherThreadSeesCommitted();
    void secondWriterIsRefused();
};

void TestEventStore::schemaCreatedFromEmpty()
{
    QTemporaryDir tmp;
    const QString dir = tmp.path() + QStringLiteral("/events");
    auto store = openStore(dir);
    QVERIFY(store->isOpen());
    QVERIFY(QFileInfo::exists(dir + QStringLiteral("/events.db")));
    RawDb raw(store->databasePath());
    QCOMPARE(raw.scalar(QStringLiteral("PRAGMA user_version")).toInt(), currentEventSchemaVersion());
    QCOMPARE(currentEventSchemaVersion(), 1);
    QCOMPARE(raw.scalar(QStringLiteral("PRAGMA journal_mode")).toString(), QStringLiteral("wal"));
    const QStringList indexes = raw.column(QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'index'"));
    for (const char* name : {"events_start", "events_camera_start", "events_label_start", "events_camera_label_start",
                             "events_in_progress", "event_zones_event"})
        QVERIFY2(indexes.contains(QLatin1String(name)), name);
    // The API's most common query walks one index in order: no sort, no table scan.
    QSqlQuery q(raw.db);
    QVERIFY(q.exec(QStringLiteral("EXPLAIN QUERY PLAN SELECT id FROM events e WHERE e.camera = 'a' AND e.label = 'person'"
                                  " ORDER BY e.start_time DESC, e.seq DESC LIMIT 50")));
    QString details;
    while (q.next())
        details += q.value(3).toString() + u'|';
    QVERIFY2(details.contains(QStringLiteral("events_camera_label_start")), qPrintable(details));
    QVERIFY2(!details.contains(QStringLiteral("TEMP B-TREE")), qPrintable(details));
    QCOMPARE(store->count(), 0);
}

void TestEventStore::migratesFromVersion0()
{
    // A file from before the first schema: user_version 0, a table of its own.
    QTemporaryDir tmp;
    const QString dir = tmp.path();
    {
        RawDb raw(dir + QStringLiteral("/events.db"));
        QSqlQuery q(raw.db);
        QVERIFY(q.exec(QStringLiteral("CREATE TABLE notes (text TEXT)")));
        QVERIFY(q.exec(QStringLiteral("INSERT INTO notes VALUES ('kept')")));
        QCOMPARE(raw.scalar(QStringLiteral("PRAGMA user_version")).toInt(), 0);
    }
    auto store = openStore(dir);
    QVERIFY(store->isOpen());
    QVERIFY(store->warnings().isEmpty());
    QVERIFY(store->insert(makeEvent(QStringLiteral("n-a-1-0"), QStringLiteral("a"), QStringLiteral("person"), 100)));
    QCOMPARE(store->count(), 1);
    RawDb raw(store->databasePath());
    QCOMPARE(raw.scalar(QStringLiteral("PRAGMA user_version")).toInt(), 1);
    QCOMPARE(raw.scalar(QStringLiteral("SELECT text FROM notes")).toString(), QStringLiteral("kept"));
}

void TestEventStore::migrationStepsAreAtomicAndNewerIsMovedAside()
{
    QTemporaryDir tmp;
    const QString dir = tmp.path();
    openStore(dir)->insert(makeEvent(QStringLiteral("n-a-1-0"), QStringLiteral("a"), QStringLiteral("person"), 100));
    // A future migration 2 is one more function in the list.
    auto step2 = [](QSqlDatabase& db, QString* error) {
        return execAll(db, {QStringLiteral("ALTER TABLE events ADD COLUMN sub_label TEXT"),
                            QStringLiteral("UPDATE events SET sub_label = 'postman'")}, error);
    };
    auto failingStep3 = [](QSqlDatabase& db, QString* error) {
        return execAll(db, {QStringLiteral("CREATE TABLE half_done (x)"), QStringLiteral("THIS IS NOT SQL")}, error);
    };
    {
        RawDb raw(dir + QStringLiteral("/events.db"));
        QList<EventMigration> steps = eventMigrations();
        steps << +step2;
        QString error;
        QVERIFY2(migrateEventDb(raw.db, steps, &error), qPrintable(error));
        QCOMPARE(raw.scalar(QStringLiteral("PRAGMA user_version")).toInt(), 2);
        QCOMPARE(raw.scalar(QStringLiteral("SELECT sub_label FROM events WHERE id = 'n-a-1-0'")).toString(), QStringLiteral("postman"));
        steps << +failingStep3;
        QVERIFY(!migrateEventDb(raw.db, steps, &error));
        QVERIFY2(error.contains(QStringLiteral("version 3")), qPrintable(error));
        QCOMPARE(raw.scalar(QStringLiteral("PRAGMA user_version")).toInt(), 2);
        QVERIFY(raw.column(QStringLiteral("SELECT name FROM sqlite_master WHERE name = 'half_done'")).isEmpty());
        QCOMPARE(raw.scalar(QStringLiteral("SELECT count(*) FROM events")).toInt(), 1);
    }
    // This build knows version 1 only: a version 2 database is kept aside, not downgraded.
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("newer Vigil.*moved aside")));
    auto store = openStore(dir);
    QVERIFY(store->isOpen());
    QCOMPARE(store->count(), 0);
    QCOMPARE(store->warnings().size(), 1);
    const QStringList aside = QDir(dir).entryList({QStringLiteral("events.db.corrupt-*")}, QDir::Dirs);
    QCOMPARE(aside.size(), 1);
    RawDb kept(dir + u'/' + aside.first() + QStringLiteral("/events.db"));
    QCOMPARE(kept.scalar(QStringLiteral("PRAGMA user_version")).toInt(), 2);
}

void TestEventStore::filtersAndNewestFirst()
{
    QTemporaryDir tmp;
    auto store = openStore(tmp.path());
    const QString person = QStringLiteral("person"), car = QStringLiteral("car");
    const QString a = QStringLiteral("a"), b = QStringLiteral("b");
    const QString drive = QStringLiteral("driveway"), porch = QStringLiteral("porch");
    QVERIFY(store->insert(makeEvent(QStringLiteral("e1"), a, person, 100, {drive})));
    QVERIFY(store->insert(makeEvent(QStringLiteral("e2"), a, car, 200, {drive, porch})));
    QVERIFY(store->insert(makeEvent(QStringLiteral("e3"), b, person, 300, {porch})));
    QVERIFY(store->insert(makeEvent(QStringLiteral("e4"), a, person, 400, {}, true)));
    QVERIFY(store->insert(makeEvent(QStringLiteral("e5"), b, car, 500, {drive}, true)));
    QVERIFY(!store->insert(makeEvent(QStringLiteral("e5"), b, car, 600)));  // ids are unique

    auto run = [&](EventQuery q) {
        QString error;
        const QStringList got = ids(store->query(q, &error));
        if (!error.isEmpty())
            qWarning() << error;
        return got;
    };
    EventQuery q;
    QCOMPARE(run(q), (QStringList{"e5", "e4", "e3", "e2", "e1"}));
    q.camera = a;
    QCOMPARE(run(q), (QStringList{"e4", "e2", "e1"}));
    q.label = person;
    QCOMPARE(run(q), (QStringList{"e4", "e1"}));
    q = {};
    q.label = car;
    QCOMPARE(run(q), (QStringList{"e5", "e2"}));
    q = {};
    q.zone = drive;
    QCOMPARE(run(q), (QStringList{"e5", "e2", "e1"}));
    q.camera = a;
    QCOMPARE(run(q), (QStringList{"e2", "e1"}));
    q = {};
    q.zone = porch;
    q.after = 200;
    QCOMPARE(run(q), (QStringList{"e3"}));
    q = {};
    q.after = 200;
    q.before = 500;
    QCOMPARE(run(q), (QStringList{"e4", "e3"}));
    q = {};
    q.inProgress = true;
    QCOMPARE(run(q), (QStringList{"e5", "e4"}));
    q.inProgress = false;
    QCOMPARE(run(q), (QStringList{"e3", "e2", "e1"}));
    q = {};
    q.limit = 2;
    QCOMPARE(run(q), (QStringList{"e5", "e4"}));
    q.limit = 0;  // clamped to 1
    QCOMPARE(run(q).size(), 1);
    q = {};
    q.zone = QStringLiteral("nowhere");
    QVERIFY(run(q).isEmpty());
    // Equal start times: the later insert first, stable across calls.
    QVERIFY(store->insert(makeEvent(QStringLiteral("e6"), a, person, 500)));
    q = {};
    q.limit = 2;
    QCOMPARE(run(q), (QStringList{"e6", "e5"}));
    // The track is read only when asked.
    QVERIFY(store->query(q).first().track.isEmpty());
    q.withTrack = true;
    QCOMPARE(store->query(q).first().track.size(), 2);
}

void TestEventStore::updateEndAndGetById()
{
    QTemporaryDir tmp;
    auto store = openStore(tmp.path());
    Event e = makeEvent(QStringLiteral("n-a-1-0"), QStringLiteral("a"), QStringLiteral("person"), 100, {}, true);
    QVERIFY(store->insert(e));
    std::optional<Event> got = store->event(e.id);
    QVERIFY(got);
    QCOMPARE(*got, e);
    QVERIFY(got->inProgress());

    e.zones = {QStringLiteral("porch")};
    e.topScore = 0.95;
    e.box = QRectF(5, 6, 7, 8);
    e.cameraName = QStringLiteral("Front door (renamed)");
    e.track.append({103, QRectF(9, 9, 9, 9), 0.95});
    QVERIFY(store->update(e));
    QCOMPARE(*store->event(e.id), e);
    EventQuery byZone;
    byZone.zone = QStringLiteral("porch");
    QCOMPARE(ids(store->query(byZone)), QStringList{e.id});

    QVERIFY(store->end(e.id, 110));
    got = store->event(e.id);
    QCOMPARE(got->endTime.value_or(-1), 110.0);
    QVERIFY(!got->inProgress());
    QVERIFY(!store->end(QStringLiteral("missing"), 1));
    Event missing = e;
    missing.id = QStringLiteral("missing");
    QVERIFY(!store->update(missing));
    QVERIFY(!store->event(QStringLiteral("missing")));
}

void TestEventStore::trackIsBounded()
{
    QTemporaryDir tmp;
    auto store = openStore(tmp.path());
    Event e = makeEvent(QStringLiteral("long"), QStringLiteral("a"), QStringLiteral("person"), 0);
    e.track.clear();
    for (int i = 0; i < 5000; ++i)
        e.track.append({double(i), QRectF(i, 0, 10, 10), 0.5});
    QVERIFY(store->insert(e));
    const QList<EventTrackPoint> track = store->event(e.id)->track;
    QCOMPARE(track.size(), kMaxTrackPoints);
    QCOMPARE(track.first().t, 0.0);
    QCOMPARE(track.last().t, 4999.0);
}

void TestEventStore::jsonHasFrigateFields()
{
    Event e = makeEvent(QStringLiteral("n-a-1-0"), QStringLiteral("a"), QStringLiteral("person"), 100, {QStringLiteral("porch")}, true);
    QJsonObject o = toJson(e, false);
    QStringList keys = o.keys();
    keys.sort();
    QStringList want{"box", "camera", "camera_name", "end_time", "has_clip", "has_snapshot", "id", "label", "start_time",
                     "top_score", "zones"};
    QCOMPARE(keys, want);
    QVERIFY(o.value(QStringLiteral("end_time")).isNull());
    QCOMPARE(o.value(QStringLiteral("box")).toArray(), (QJsonArray{10, 20, 30, 40}));
    QCOMPARE(o.value(QStringLiteral("camera_name")).toString(), QStringLiteral("A door"));
    e.endTime = 110;
    o = toJson(e, true);
    QCOMPARE(o.value(QStringLiteral("end_time")).toDouble(), 110.0);
    const QJsonArray track = o.value(QStringLiteral("track")).toArray();
    QCOMPARE(track.size(), 2);
    QCOMPARE(track.at(1).toObject().value(QStringLiteral("t")).toDouble(), 101.0);
    QCOMPARE(track.at(1).toObject().value(QStringLiteral("box")).toArray(), (QJsonArray{2, 3, 4, 5}));
    QCOMPARE(track.at(1).toObject().value(QStringLiteral("score")).toDouble(), 0.8);
}

void TestEventStore::idsAreSafeFileNames()
{
    const QString id = makeEventId(QStringLiteral("pi-4"), QStringLiteral("../front door"), 1700000000123, 2);
    QCOMPARE(id, QStringLiteral("pi_4-_.._front_door-1700000000123-2"));
    QVERIFY(isValidEventId(id));
    for (const char* bad : {"", "../x", "a/b", ".hidden", "a b", "a\nb"})
        QVERIFY2(!isValidEventId(QString::fromLatin1(bad)), bad);
    QTemporaryDir tmp;
    auto store = openStore(tmp.path());
    QVERIFY(store->snapshotPath(QStringLiteral("../../etc/passwd"), SnapshotKind::Clean).isEmpty());
    QVERIFY(store->clipPath(QStringLiteral("a/b")).isEmpty());
    QVERIFY(!store->insert(makeEvent(QStringLiteral("../x"), QStringLiteral("a"), QStringLiteral("person"), 1)));
    QCOMPARE(store->snapshotPath(QStringLiteral("x"), SnapshotKind::BoundingBox), tmp.path() + QStringLiteral("/snapshots/x-bbox.jpg"));
    QCOMPARE(store->snapshotPath(QStringLiteral("x"), SnapshotKind::Thumbnail), tmp.path() + QStringLiteral("/snapshots/x-thumb.jpg"));
    QCOMPARE(store->clipPath(QStringLiteral("x")), tmp.path() + QStringLiteral("/clips/x.mkv"));
    // "a-bbox.jpg" is a's box snapshot or the clean one of "a-bbox": the sweep keeps it if either exists.
    QCOMPARE(event_files::eventIdsOfFile(QStringLiteral("a-bbox.jpg")), (QStringList{"a", "a-bbox"}));
    QCOMPARE(event_files::eventIdsOfFile(QStringLiteral("a.mkv.part")), QStringList{"a"});
    QVERIFY(event_files::eventIdsOfFile(QStringLiteral("notes.txt")).isEmpty());
}

void TestEventStore::flagsOnlyOnceFilesAreComplete()
{
    QTemporaryDir tmp;
    auto store = openStore(tmp.path());
    Event e = makeEvent(QStringLiteral("n-a-1-0"), QStringLiteral("a"), QStringLiteral("person"), 100, {}, true);
    e.hasSnapshot = e.hasClip = true;  // not the caller's to claim
    QVERIFY(store->insert(e));
    QVERIFY(!store->event(e.id)->hasSnapshot);
    QVERIFY(!store->event(e.id)->hasClip);

    // The clip writer writes the .part file; it is not a clip until attached.
    const QByteArray clip(20000, 'c');
    QVERIFY(writeBytes(store->clipPartPath(e.id), clip));
    QVERIFY(!store->event(e.id)->hasClip);
    QVERIFY(!QFileInfo::exists(store->clipPath(e.id)));

    const QByteArray jpeg(3000, 'j');
    QVERIFY(store->writeSnapshot(e.id, SnapshotKind::BoundingBox, jpeg));
    QVERIFY(!store->event(e.id)->hasSnapshot);  // only the clean snapshot makes has_snapshot
    QVERIFY(store->writeSnapshot(e.id, SnapshotKind::Clean, jpeg));
    QVERIFY(store->event(e.id)->hasSnapshot);
    QCOMPARE(event_files::fileSize(store->snapshotPath(e.id, SnapshotKind::Clean)), qint64(jpeg.size()));
    QVERIFY(!QFileInfo::exists(store->snapshotPath(e.id, SnapshotKind::Clean) + QStringLiteral(".tmp")));
    QCOMPARE(modeOf(store->snapshotPath(e.id, SnapshotKind::Clean)), 0600);
    // A better frame replaces the file, and the bytes count it once.
    QVERIFY(store->writeSnapshot(e.id, SnapshotKind::Clean, QByteArray(4000, 'k')));
    QCOMPARE(store->totalBytes(), qint64(3000 + 4000));

    QVERIFY(store->attachClip(e.id, store->clipPartPath(e.id)));
    QVERIFY(store->event(e.id)->hasClip);
    QVERIFY(!QFileInfo::exists(store->clipPartPath(e.id)));
    QCOMPARE(event_files::fileSize(store->clipPath(e.id)), qint64(clip.size()));
    QCOMPARE(store->totalBytes(), qint64(3000 + 4000 + 20000));

    // No row, no file: a snapshot for an unknown event is refused and leaves nothing.
    QVERIFY(!store->writeSnapshot(QStringLiteral("ghost"), SnapshotKind::Clean, jpeg));
    QVERIFY(!QFileInfo::exists(store->snapshotPath(QStringLiteral("ghost"), SnapshotKind::Clean)));
    QVERIFY(writeBytes(store->clipPartPath(QStringLiteral("ghost")), clip));
    QVERIFY(!store->attachClip(QStringLiteral("ghost"), store->clipPartPath(QStringLiteral("ghost"))));
    QVERIFY(!QFileInfo::exists(store->clipPartPath(QStringLiteral("ghost"))));
    QVERIFY(!QFileInfo::exists(store->clipPath(QStringLiteral("ghost"))));
}

void TestEventStore::crashBeforeRowCommitListsNothing()
{
    QTemporaryDir tmp;
    const QString dir = tmp.path();
    const QString id = QStringLiteral("n-a-1-0");
    QString snap, bbox, clip;
    {
        auto store = openStore(dir);
        snap = store->snapshotPath(id, SnapshotKind::Clean);
        bbox = store->snapshotPath(id, SnapshotKind::BoundingBox);
        clip = store->clipPath(id);
    }
    // A process writes the files and dies (no destructors, no commit) while inserting the row.
    const pid_t child = ::fork();
    QVERIFY(child >= 0);
    if (child == 0) {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("child"));
        db.setDatabaseName(dir + QStringLiteral("/events.db"));
        if (!db.open())
            ::_exit(2);
        QSqlQuery q(db);
        q.exec(QStringLiteral("PRAGMA journal_mode=WAL"));
        q.exec(QStringLiteral("BEGIN"));
        q.exec(QStringLiteral("INSERT INTO events (id, camera, camera_name, label, start_time, end_time, has_snapshot, has_clip)"
                              " VALUES ('%1', 'a', 'A', 'person', 100, 110, 1, 1)").arg(id));
        const bool files = writeBytes(snap, "jpeg") && writeBytes(bbox, "jpeg") && writeBytes(clip, "mkv");
        ::_exit(files && q.lastError().type() == QSqlError::NoError ? 0 : 3);
    }
    int status = -1;
    QCOMPARE(::waitpid(child, &status, 0), child);
    QVERIFY(WIFEXITED(status));
    QCOMPARE(WEXITSTATUS(status), 0);

    auto store = openStore(dir);
    QVERIFY(store->isOpen());
    QVERIFY(store->query({}).isEmpty());
    QVERIFY(!store->event(id));
    // Fresh files are left alone (they may be being written); once stale they are swept.
    QVERIFY(QFileInfo::exists(snap));
    QCOMPARE(store->sweepOrphans(nowS() + 3600), 3);
    QVERIFY(!QFileInfo::exists(snap));
    QVERIFY(!QFileInfo::exists(bbox));
    QVERIFY(!QFileInfo::exists(clip));
}

void TestEventStore::interruptedEventsEndOnOpen()
{
    QTemporaryDir tmp;
    Event e = makeEvent(QStringLiteral("n-a-1-0"), QStringLiteral("a"), QStringLiteral("person"), 100, {}, true);
    QVERIFY(openStore(tmp.path())->insert(e));
    auto store = openStore(tmp.path());
    const std::optional<Event> got = store->event(e.id);
    QVERIFY(got);
    QCOMPARE(got->endTime.value_or(-1), 101.0);  // its last track point
}

void TestEventStore::retentionByDaysPerCamera()
{
    QTemporaryDir tmp;
    RetentionPolicy policy;
    policy.perCameraDays.insert(QStringLiteral("a"), 1);
    auto store = openStore(tmp.path(), policy);
    const double now = 1'700'000'000;
    const double day = 86400;
    const QString a = QStringLiteral("a"), b = QStringLiteral("b"), gone = QStringLiteral("removed-camera");
    const QList<Event> events{
        makeEvent(QStringLiteral("a-old"), a, QStringLiteral("person"), now - 2 * day),
        makeEvent(QStringLiteral("a-new"), a, QStringLiteral("person"), now - 0.5 * day),
        makeEvent(QStringLiteral("a-live"), a, QStringLiteral("person"), now - 3 * day, {}, true),
        makeEvent(QStringLiteral("b-old"), b, QStringLiteral("person"), now - 2 * day),
        makeEvent(QStringLiteral("b-ancient"), b, QStringLiteral("person"), now - 40 * day),
        makeEvent(QStringLiteral("gone-ancient"), gone, QStringLiteral("car"), now - 31 * day),
    };
    for (const Event& e : events) {
        QVERIFY(store->insert(e));
        QVERIFY(store->writeSnapshot(e.id, SnapshotKind::Clean, "jpeg"));
    }
    QVERIFY(store->attachClip(QStringLiteral("a-old"), [&] {
        const QString part = store->clipPartPath(QStringLiteral("a-old"));
        writeBytes(part, "mkv");
        return part;
    }()));
    const RetentionResult r = store->applyRetention(now);
    QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
    QCOMPARE(r.removedEvents, 3);
    QCOMPARE(r.freedBytes, qint64(4 + 3 + 4 + 4));
    EventQuery all;
    QStringList left = ids(store->query(all));
    left.sort();
    QCOMPARE(left, (QStringList{"a-live", "a-new", "b-old"}));
    for (const char* id : {"a-old", "b-ancient", "gone-ancient"})
        QVERIFY2(!QFileInfo::exists(store->snapshotPath(QLatin1String(id), SnapshotKind::Clean)), id);
    QVERIFY(!QFileInfo::exists(store->clipPath(QStringLiteral("a-old"))));
    for (const QString& id : left)
        QVERIFY(QFileInfo::exists(store->snapshotPath(id, SnapshotKind::Clean)));
}

void TestEventStore::retentionByTotalBytes()
{
    QTemporaryDir tmp;
    RetentionPolicy policy;
    policy.maxTotalBytes = 2500;
    auto store = openStore(tmp.path(), policy);
    for (int i = 0; i < 5; ++i) {
        const QString id = QStringLiteral("e%1").arg(i);
        QVERIFY(store->insert(makeEvent(id, QStringLiteral("a"), QStringLiteral("person"), 1000 + i)));
        QVERIFY(store->writeSnapshot(id, SnapshotKind::Clean, QByteArray(1000, 'x')));
    }
    // In progress: never deleted, even when it is the oldest.
    QVERIFY(store->insert(makeEvent(QStringLiteral("live"), QStringLiteral("a"), QStringLiteral("person"), 10, {}, true)));
    QCOMPARE(store->totalBytes(), qint64(5000));
    const RetentionResult r = store->applyRetention(2000);
    QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
    QCOMPARE(r.removedEvents, 3);
    QCOMPARE(r.freedBytes, qint64(3000));
    QCOMPARE(store->totalBytes(), qint64(2000));
    QCOMPARE(ids(store->query({})), (QStringList{"e4", "e3", "live"}));
    for (int i = 0; i < 5; ++i)
        QCOMPARE(QFileInfo::exists(store->snapshotPath(QStringLiteral("e%1").arg(i), SnapshotKind::Clean)), i >= 3);
}

void TestEventStore::diskFullPausesRecording()
{
    QTemporaryDir tmp;
    auto store = openStore(tmp.path());
    QVERIFY(store->insert(makeEvent(QStringLiteral("before"), QStringLiteral("a"), QStringLiteral("person"), 1, {}, true)));

    // Free space below the threshold: new events and snapshots are refused, clearly.
    store->setMinFreeBytes(qint64(1) << 60);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("^disk full: recording paused")));
    StoreResult r = store->insert(makeEvent(QStringLiteral("during"), QStringLiteral("a"), QStringLiteral("person"), 2));
    QVERIFY(!r);
    QVERIFY2(r.error.startsWith(QStringLiteral("disk full: recording paused")), qPrintable(r.error));
    QVERIFY(store->isRecordingPaused());
    QVERIFY(!store->writeSnapshot(QStringLiteral("before"), SnapshotKind::Clean, "jpeg"));
    QVERIFY(store->end(QStringLiteral("before"), 5));  // ending what exists still works
    QVERIFY(!store->event(QStringLiteral("during")));
    store->setMinFreeBytes(0);
    QVERIFY(store->insert(makeEvent(QStringLiteral("after"), QStringLiteral("a"), QStringLiteral("person"), 3)));
    QVERIFY(!store->isRecordingPaused());

    // A write that really fails for want of room (EFBIG from a file size limit stands in for
    // ENOSPC): error, no partial file, no claim, recording paused.
    std::signal(SIGXFSZ, SIG_IGN);
    rlimit old {};
    QCOMPARE(::getrlimit(RLIMIT_FSIZE, &old), 0);
    rlimit small = old;
    small.rlim_cur = 1024 * 1024;
    QCOMPARE(::setrlimit(RLIMIT_FSIZE, &small), 0);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("^disk full: recording paused")));
    r = store->writeSnapshot(QStringLiteral("after"), SnapshotKind::Clean, QByteArray(2 * 1024 * 1024, 'x'));
    ::setrlimit(RLIMIT_FSIZE, &old);
    std::signal(SIGXFSZ, SIG_DFL);
    QVERIFY(!r);
    QVERIFY2(r.error.startsWith(QStringLiteral("disk full: recording paused")), qPrintable(r.error));
    QVERIFY(store->isRecordingPaused());
    const QString path = store->snapshotPath(QStringLiteral("after"), SnapshotKind::Clean);
    QVERIFY(!QFileInfo::exists(path));
    QVERIFY(!QFileInfo::exists(path + QStringLiteral(".tmp")));
    QVERIFY(!store->event(QStringLiteral("after"))->hasSnapshot);
    store->setMinFreeBytes(0);  // room again (re-checked at once)
    QVERIFY(store->writeSnapshot(QStringLiteral("after"), SnapshotKind::Clean, "jpeg"));
    QVERIFY(!store->isRecordingPaused());
}

void TestEventStore::corruptDatabaseIsMovedAside()
{
    QTemporaryDir tmp;
    const QString dir = tmp.path();
    {
        auto store = openStore(dir);
        QVERIFY(store->insert(makeEvent(QStringLiteral("old"), QStringLiteral("a"), QStringLiteral("person"), 1)));
        QVERIFY(store->writeSnapshot(QStringLiteral("old"), SnapshotKind::Clean, "jpeg"));
    }
    QByteArray garbage;
    for (int i = 0; i < 8192; ++i)
        garbage.append(char((i * 7919) & 0xff));
    QVERIFY(writeBytes(dir + QStringLiteral("/events.db"), garbage));

    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("events\\.db is unreadable.*moved aside.*events\\.db\\.corrupt-")));
    auto store = openStore(dir);
    QVERIFY(store->isOpen());
    const QStringList aside = QDir(dir).entryList({QStringLiteral("events.db.corrupt-*")}, QDir::Dirs);
    QCOMPARE(aside.size(), 1);
    const QString asideDir = dir + u'/' + aside.first();
    QCOMPARE(store->warnings().size(), 1);
    QVERIFY2(store->warnings().first().contains(asideDir), qPrintable(store->warnings().first()));
    // Kept as it was, with the files its rows described.
    QFile kept(asideDir + QStringLiteral("/events.db"));
    QVERIFY(kept.open(QIODevice::ReadOnly));
    QCOMPARE(kept.readAll(), garbage);
    QVERIFY(QFileInfo::exists(asideDir + QStringLiteral("/snapshots/old.jpg")));
    // And a new, empty, working store.
    QCOMPARE(store->count(), 0);
    QVERIFY(store->insert(makeEvent(QStringLiteral("new"), QStringLiteral("a"), QStringLiteral("person"), 2)));
    QVERIFY(store->writeSnapshot(QStringLiteral("new"), SnapshotKind::Clean, "jpeg"));
    QCOMPARE(ids(store->query({})), QStringList{"new"});
}

void TestEventStore::folderIsPrivate()
{
    QTemporaryDir tmp;
    const QString fresh = tmp.path() + QStringLiteral("/new/events");
    auto store = openStore(fresh);
    QVERIFY(store->isOpen());
    QCOMPARE(modeOf(fresh), 0700);
    QCOMPARE(modeOf(tmp.path() + QStringLiteral("/new")), 0700);
    QCOMPARE(modeOf(fresh + QStringLiteral("/snapshots")), 0700);
    QCOMPARE(modeOf(fresh + QStringLiteral("/clips")), 0700);
    QVERIFY(store->warnings().isEmpty());

    // An existing folder of ours, readable by others: tightened, and said.
    const QString wide = tmp.path() + QStringLiteral("/wide");
    QVERIFY(QDir().mkdir(wide));
    QCOMPARE(::chmod(QFile::encodeName(wide).constData(), 0755), 0);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("tightened .*wide from 0755 to 0700")));
    auto second = openStore(wide);
    QVERIFY(second->isOpen());
    QCOMPARE(modeOf(wide), 0700);
    QCOMPARE(second->warnings().size(), 1);
}

void TestEventStore::deleteRemovesRowAndFiles()
{
    QTemporaryDir tmp;
    auto store = openStore(tmp.path());
    const QString id = QStringLiteral("n-a-1-0");
    QVERIFY(store->insert(makeEvent(id, QStringLiteral("a"), QStringLiteral("person"), 1, {QStringLiteral("porch")})));
    QVERIFY(store->insert(makeEvent(QStringLiteral("other"), QStringLiteral("a"), QStringLiteral("person"), 2, {QStringLiteral("porch")})));
    for (SnapshotKind k : {SnapshotKind::Clean, SnapshotKind::BoundingBox, SnapshotKind::Thumbnail})
        QVERIFY(store->writeSnapshot(id, k, "jpeg"));
    QVERIFY(writeBytes(store->clipPartPath(id), "mkv"));
    QVERIFY(store->attachClip(id, store->clipPartPath(id)));
    QVERIFY(store->writeSnapshot(QStringLiteral("other"), SnapshotKind::Clean, "jpeg"));

    QVERIFY(store->remove(id));
    QVERIFY(!store->event(id));
    for (SnapshotKind k : {SnapshotKind::Clean, SnapshotKind::BoundingBox, SnapshotKind::Thumbnail})
        QVERIFY(!QFileInfo::exists(store->snapshotPath(id, k)));
    QVERIFY(!QFileInfo::exists(store->clipPath(id)));
    EventQuery q;
    q.zone = QStringLiteral("porch");
    QCOMPARE(ids(store->query(q)), QStringList{"other"});
    QVERIFY(QFileInfo::exists(store->snapshotPath(QStringLiteral("other"), SnapshotKind::Clean)));
    RawDb raw(store->databasePath());
    QCOMPARE(raw.scalar(QStringLiteral("SELECT count(*) FROM event_zones")).toInt(), 1);
    QVERIFY(!store->remove(id));  // already gone: said so
}

void TestEventStore::readerOnAnotherThreadSeesCommitted()
{
    QTemporaryDir tmp;
    const QString dir = tmp.path() + QStringLiteral("/events");
    auto readOnThread = [&](EventQuery q, QString* error, std::optional<Event>* one = nullptr) {
        QStringList got;
        std::thread t([&] {
            auto reader = EventStore::openReadOnly(dir);
            got = ids(reader->query(q, error));
            if (one)
                *one = reader->event(QStringLiteral("e1"));
        });
        t.join();
        return got;
    };
    QString error;
    QVERIFY(readOnThread({}, &error).isEmpty());  // no database yet: no events, no error
    QVERIFY2(error.isEmpty(), qPrintable(error));

    auto store = openStore(dir);
    QVERIFY(store->insert(makeEvent(QStringLiteral("e1"), QStringLiteral("a"), QStringLiteral("person"), 1)));
    QVERIFY(store->insert(makeEvent(QStringLiteral("e2"), QStringLiteral("b"), QStringLiteral("car"), 2)));
    QVERIFY(store->beginBatch());
    QVERIFY(store->insert(makeEvent(QStringLiteral("e3"), QStringLiteral("a"), QStringLiteral("person"), 3)));
    std::optional<Event> one;
    QCOMPARE(readOnThread({}, &error, &one), (QStringList{"e2", "e1"}));  // not the open batch
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(one);
    QCOMPARE(one->cameraName, QStringLiteral("A door"));
    QVERIFY(store->commitBatch());
    EventQuery q;
    q.camera = QStringLiteral("a");
    QCOMPARE(readOnThread(q, &error), (QStringList{"e3", "e1"}));

    // A reader is its thread's: another thread gets an error, not a crash.
    auto reader = EventStore::openReadOnly(dir);
    QCOMPARE(reader->count(), 3);
    QVERIFY(!reader->insert(makeEvent(QStringLiteral("e4"), QStringLiteral("a"), QStringLiteral("person"), 4)));
    QString otherError;
    std::thread t([&] { reader->query({}, &otherError); });
    t.join();
    QVERIFY(otherError.contains(QStringLiteral("another thread")));
    // So is the writer.
    std::thread w([&] { otherError = store->insert(makeEvent(QStringLiteral("e5"), QStringLiteral("a"), QStringLiteral("person"), 5)).error; });
    w.join();
    QVERIFY(otherError.contains(QStringLiteral("another thread")));
}

void TestEventStore::secondWriterIsRefused()
{
    QTemporaryDir tmp;
    auto first = openStore(tmp.path());
    QVERIFY(first->isOpen());
    EventStore::Options o;
    o.dir = tmp.path();
    EventStore second(o);
    const StoreResult r = second.open();
    QVERIFY(!r);
    QVERIFY2(r.error.contains(QStringLiteral("in use")), qPrintable(r.error));
    QVERIFY(!second.insert(makeEvent(QStringLiteral("x"), QStringLiteral("a"), QStringLiteral("person"), 1)));
    QVERIFY(second.query({}).isEmpty());
}

QTEST_GUILESS_MAIN(TestEventStore)
#include "tst_event_store.moc"
