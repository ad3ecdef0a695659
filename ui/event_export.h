#pragma once
// Exports one event to a folder the user chose: its clip, clean and boxed snapshots (those that
// exist) and <id>.json (the event's fields with its track). No widgets: runs on any thread.
#include <QString>
#include <QStringList>

#include "events/event.h"

namespace vigil {

struct EventExportResult {
    bool ok = false;
    QStringList written;  // absolute paths
    QString error;        // why not, when !ok
};

// eventsDir: the store's folder; event: read with its track. Existing files of the same names
// are replaced.
EventExportResult exportEvent(const QString& eventsDir, const Event& event, const QString& targetDir);

} // namespace vigil
