#include "events/event_migrations.h"

#include <QSqlError>
#include <QSqlQuery>

namespace vigil {

namespace {

// Version 1, the first release. `seq` is the rowid (cheap joins, stable order for equal start
// times); `id` is the public id. Zones are kept twice: as JSON text to read them with the row, and
// one row per zone (with start_time) so that a zone filter walks an index newest first. `bytes` is
// the size of the event's files, for the overall size limit.
bool migration1(QSqlDatabase& db, QString* error)
{
    return execAll(db, {
        QStringLiteral("CREATE TABLE events ("
                       " seq INTEGER PRIMARY KEY,"
                       " id TEXT NOT NULL UNIQUE,"
                       " camera TEXT NOT NULL,"
                       " camera_name TEXT NOT NULL,"
                       " label TEXT NOT NULL,"
                       " start_time REAL NOT NULL,"
                       " end_time REAL,"
                       " top_score REAL NOT NULL DEFAULT 0,"
                       " zones TEXT NOT NULL DEFAULT '[]',"
                       " box_x REAL NOT NULL DEFAULT 0, box_y REAL NOT NULL DEFAULT 0,"
                       " box_w REAL NOT NULL DEFAULT 0, box_h REAL NOT NULL DEFAULT 0,"
                       " has_snapshot INTEGER NOT NULL DEFAULT 0,"
                       " has_clip INTEGER NOT NULL DEFAULT 0,"
                       " bytes INTEGER NOT NULL DEFAULT 0,"
                       " track TEXT NOT NULL DEFAULT '[]')"),
        QStringLiteral("CREATE TABLE event_zones ("
                       " zone TEXT NOT NULL,"
                       " start_time REAL NOT NULL,"
                       " event_seq INTEGER NOT NULL REFERENCES events(seq) ON DELETE CASCADE,"
                       " PRIMARY KEY (zone, start_time, event_seq)) WITHOUT ROWID"),
        QStringLiteral("CREATE INDEX event_zones_event ON event_zones(event_seq)"),
        // One index per filter of the API, each ending in start_time so "newest first" is a walk.
        QStringLiteral("CREATE INDEX events_start ON events(start_time)"),
        QStringLiteral("CREATE INDEX events_camera_start ON events(camera, start_time)"),
        QStringLiteral("CREATE INDEX events_label_start ON events(label, start_time)"),
        QStringLiteral("CREATE INDEX events_camera_label_start ON events(camera, label, start_time)"),
        QStringLiteral("CREATE INDEX events_in_progress ON events(start_time) WHERE end_time IS NULL"),
    }, error);
}

} // namespace

const QList<EventMigration>& eventMigrations()
{
    static const QList<EventMigration> steps{&migration1};
    return steps;
}

bool execAll(QSqlDatabase& db, const QStringList& statements, QString* error)
{
    QSqlQuery q(db);
    for (const QString& sql : statements) {
        if (!q.exec(sql)) {
            if (error)
                *error = QStringLiteral("%1 (in: %2)").arg(q.lastError().text(), sql.left(60));
            return false;
        }
    }
    return true;
}

int eventSchemaVersion(QSqlDatabase& db, QString* error)
{
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("PRAGMA user_version")) || !q.next()) {
        if (error)
            *error = q.lastError().text();
        return -1;
    }
    return q.value(0).toInt();
}

bool migrateEventDb(QSqlDatabase& db, const QList<EventMigration>& steps, QString* error)
{
    const int from = eventSchemaVersion(db, error);
    if (from < 0)
        return false;
    if (from > steps.size()) {
        if (error)
            *error = QStringLiteral("schema version %1 is newer than this Vigil knows (%2)").arg(from).arg(steps.size());
        return false;
    }
    for (int v = from; v < steps.size(); ++v) {
        QString why;
        if (!db.transaction()) {
            if (error)
                *error = db.lastError().text();
            return false;
        }
        // PRAGMA user_version is written inside the transaction: the bump and the step are atomic.
        bool ok = steps.at(v)(db, &why) && execAll(db, {QStringLiteral("PRAGMA user_version = %1").arg(v + 1)}, &why);
        if (ok && !db.commit()) {
            ok = false;
            why = db.lastError().text();
        }
        if (!ok) {
            db.rollback();
            if (error)
                *error = QStringLiteral("migration to schema version %1 failed: %2").arg(v + 1).arg(why);
            return false;
        }
    }
    return true;
}

} // namespace vigil
