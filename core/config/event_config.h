#pragma once
// What the user configures for events: per camera (which labels, filters, zones, retention) and
// for the whole app (the "events" section: on/off, clips, pre/post-roll, total size, folder).
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QStringList>

#include "events/object_tracker.h"
#include "events/zone.h"

namespace vigil {

class JsonReader;

struct CameraEventConfig {
    bool enabled = true;                    // "events"
    QStringList labels = TrackerSettings().labels;  // "event_labels"
    QHash<QString, LabelFilter> filters;    // "event_filters": {"person": {"min_score": 0.6, ...}}
    QList<Zone> zones;                      // "zones": [{"name", "polygon", "required"}]
    int retentionDays = 30;                 // "retention_days"
    bool notify = false;                    // "notify": a desktop notification when an event starts
    bool operator==(const CameraEventConfig&) const = default;

    void writeTo(QJsonObject& camera) const;
    // Reads the keys above from a camera object; bad ones are named through the reader.
    static CameraEventConfig read(JsonReader& camera);
    // The tracker's settings for these choices.
    TrackerSettings trackerSettings() const;
};

struct EventsSettings {
    bool enabled = true;
    bool clips = true;
    double preRollS = 5;
    double postRollS = 5;
    double maxClipS = 600;
    double maxTotalGb = 10;
    QString folder;                         // empty: <data directory>/events
    bool operator==(const EventsSettings&) const = default;

    QJsonObject toJson() const;
    static EventsSettings read(JsonReader& section);
    QString effectiveFolder() const;
    static QString defaultFolder();
};

} // namespace vigil
