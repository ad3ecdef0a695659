#include "list_events.h"

#include <QDateTime>
#include <cmath>
#include <QFileInfo>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>
#include <cstdio>

#include "config/app_settings.h"
#include "events/event_store.h"

namespace vigil {

bool parseDuration(const QString& text, double* seconds)
{
    static const QRegularExpression re(QStringLiteral("^\\s*(\\d+(?:\\.\\d+)?)\\s*([smhd]?)\\s*$"));
    const QRegularExpressionMatch m = re.match(text.toLower());
    if (!m.hasMatch())
        return false;
    const QString unit = m.captured(2);
    const double factor = unit == "m" ? 60 : unit == "h" ? 3600 : unit == "d" ? 86400 : 1;
    *seconds = m.captured(1).toDouble() * factor;
    return *seconds > 0;
}

QString eventsFolderFor(const CliOptions& options)
{
    if (!options.overrides.eventsDir.isEmpty())
        return options.overrides.eventsDir;
    const QString config = options.configPath.isEmpty() ? AppSettings::defaultPath() : options.configPath;
    const AppSettingsRead read = readAppSettings(config);
    return read.parsed ? read.settings.events.effectiveFolder() : EventsSettings::defaultFolder();
}

int runListEvents(const CliOptions& options)
{
    const QString dir = eventsFolderFor(options);
    if (!QFileInfo(dir).isDir()) {
        std::fprintf(stderr, "vigil: no events folder at %s (nothing recorded yet)\n", qPrintable(dir));
        return 0;
    }
    const std::unique_ptr<EventStore> store = EventStore::openReadOnly(dir);
    EventQuery q;
    q.camera = options.listCameraId;
    if (options.listSinceS > 0)
        q.after = QDateTime::currentMSecsSinceEpoch() / 1000.0 - options.listSinceS;
    q.limit = kMaxQueryLimit;
    // Page back in time; events that share a start time across a page boundary are not repeated.
    QSet<QString> printed;
    for (int page = 0; page < 1000; ++page) {
        QString error;
        const QList<Event> events = store->query(q, &error);
        if (!error.isEmpty()) {
            std::fprintf(stderr, "vigil: could not read the events in %s: %s\n", qPrintable(dir), qPrintable(error));
            return 1;
        }
        for (const Event& e : events) {
            if (printed.contains(e.id))
                continue;
            printed.insert(e.id);
            std::fputs(QJsonDocument(toJson(e, false)).toJson(QJsonDocument::Compact).constData(), stdout);
            std::fputc('\n', stdout);
        }
        if (events.size() < q.limit)
            break;
        q.before = std::nextafter(events.last().startTime, 1e300);  // inclusive of the last start time
    }
    std::fflush(stdout);
    return 0;
}

} // namespace vigil
