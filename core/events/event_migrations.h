#pragma once
// The event database's schema, as a list of migrations. The schema version is SQLite's
// PRAGMA user_version: 0 is an empty file, N means migrations 1..N have run. Each migration runs in
// its own transaction together with the version bump, so a failure leaves the previous version
// intact. To change the schema, append a function to eventMigrations(); never edit an old one.
#include <QList>
#include <QSqlDatabase>
#include <QString>

namespace vigil {

using EventMigration = bool (*)(QSqlDatabase& db, QString* error);

// Index i takes the database from version i to version i + 1.
const QList<EventMigration>& eventMigrations();
inline int currentEventSchemaVersion() { return int(eventMigrations().size()); }

// PRAGMA user_version, or -1 (with error) when it cannot be read.
int eventSchemaVersion(QSqlDatabase& db, QString* error = nullptr);

// Runs the steps after the database's version. False (with error) when one failed (the database
// stays at the last version that completed) or when the database is newer than the steps know.
bool migrateEventDb(QSqlDatabase& db, const QList<EventMigration>& steps, QString* error = nullptr);

// Runs each statement; false (with error naming it) at the first failure.
bool execAll(QSqlDatabase& db, const QStringList& statements, QString* error);

} // namespace vigil
