#pragma once
// An event: one tracked object from its first confirmed sighting to its end, with the files that
// show it (snapshot, clip). The JSON field names follow Frigate's, which Home Assistant users know.
#include <QJsonObject>
#include <QList>
#include <QRectF>
#include <QString>
#include <QStringList>
#include <optional>

namespace vigil {

// One point of an event's track (source pixels, epoch seconds).
struct EventTrackPoint {
    double t = 0;
    QRectF box;
    double score = 0;
    bool operator==(const EventTrackPoint&) const = default;
};

struct Event {
    QString id;                   // unique across nodes and time: see makeEventId()
    QString camera;               // camera id
    QString cameraName;           // the display name the camera had (kept when it is removed)
    QString label;                // e.g. "person"
    double startTime = 0;         // epoch seconds
    std::optional<double> endTime;  // empty while in progress
    double topScore = 0;
    QStringList zones;            // names of the zones it entered
    QRectF box;                   // its box in the best frame, source pixels
    bool hasSnapshot = false;     // the clean snapshot file is complete (set by the store only)
    bool hasClip = false;         // the clip file is complete (set by the store only)
    QList<EventTrackPoint> track;      // bounded: at most kMaxTrackPoints (the store thins longer ones)

    bool inProgress() const { return !endTime.has_value(); }
    bool operator==(const Event&) const = default;
};

// Enough for a minute at 5 inferences/s; longer tracks keep evenly spaced points, first and last.
inline constexpr int kMaxTrackPoints = 300;

// "<node>-<camera>-<epoch ms>-<n>", node and camera reduced to [A-Za-z0-9_.] so the id is a safe
// file name. n tells apart events that start in the same millisecond on one camera.
QString makeEventId(const QString& node, const QString& camera, qint64 epochMs, int n);
// True when id can name files: 1..200 characters of [A-Za-z0-9_.-], not starting with '.'.
// Ids from outside (HTTP) are checked with this before any path is built from them.
bool isValidEventId(const QString& id);

// At most max points: the first, the last and evenly spaced ones between.
QList<EventTrackPoint> thinTrack(const QList<EventTrackPoint>& track, int max = kMaxTrackPoints);

// id, camera, camera_name, label, start_time, end_time (null while in progress), top_score, zones,
// box ([x, y, w, h]), has_snapshot, has_clip; and track ([{t, box, score}]) when withTrack.
QJsonObject toJson(const Event& event, bool withTrack);

} // namespace vigil
