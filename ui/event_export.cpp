#include "event_export.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>

#include "events/event_store.h"

namespace vigil {

namespace {

// Copies to "<to>.part" first, then renames: a failed copy leaves no half file under the real name.
QString copyReplacing(const QString& from, const QString& to)
{
    const QString part = to + QStringLiteral(".part");
    QFile::remove(part);
    QFile source(from);
    if (!source.copy(part))
        return QStringLiteral("cannot copy %1: %2").arg(QFileInfo(from).fileName(), source.errorString());
    QFile::remove(to);
    if (!QFile::rename(part, to)) {
        QFile::remove(part);
        return QStringLiteral("cannot write %1").arg(to);
    }
    return {};
}

} // namespace

EventExportResult exportEvent(const QString& eventsDir, const Event& event, const QString& targetDir)
{
    EventExportResult result;
    if (!isValidEventId(event.id)) {
        result.error = QStringLiteral("not an event id");
        return result;
    }
    if (targetDir.isEmpty() || !QDir().mkpath(targetDir)) {
        result.error = QStringLiteral("cannot create folder %1").arg(targetDir);
        return result;
    }
    const QDir target(targetDir);
    struct Source { QString path; QString name; };
    const QList<Source> sources{
        {EventStore::clipPathIn(eventsDir, event.id), event.id + QStringLiteral(".mkv")},
        {EventStore::snapshotPathIn(eventsDir, event.id, SnapshotKind::Clean), event.id + QStringLiteral(".jpg")},
        {EventStore::snapshotPathIn(eventsDir, event.id, SnapshotKind::BoundingBox), event.id + QStringLiteral("-bbox.jpg")},
    };
    for (const Source& s : sources) {
        if (!QFileInfo::exists(s.path))
            continue;  // not recorded (clips off, a frame that did not decode): the rest still goes
        const QString to = target.absoluteFilePath(s.name);
        if (const QString error = copyReplacing(s.path, to); !error.isEmpty()) {
            result.error = error;
            return result;
        }
        result.written << to;
    }
    const QString jsonPath = target.absoluteFilePath(event.id + QStringLiteral(".json"));
    QFile json(jsonPath);
    const QByteArray bytes = QJsonDocument(toJson(event, true)).toJson(QJsonDocument::Indented);
    if (!json.open(QIODevice::WriteOnly | QIODevice::Truncate) || json.write(bytes) != bytes.size() || !json.flush()) {
        result.error = QStringLiteral("cannot write %1: %2").arg(jsonPath, json.errorString());
        return result;
    }
    result.written << jsonPath;
    result.ok = true;
    return result;
}

} // namespace vigil
