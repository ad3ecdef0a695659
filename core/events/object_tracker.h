#pragma once
// Per-camera object tracker: detections of inferred frames become tracked objects with stable ids,
// and tracked objects become *events* (New / Update / End) for the events layer.
//
// Contract (what the pipeline tells us, see ProcessedFrame in common/frame.h):
//  - A frame that was not inferred says nothing about objects. update() ignores it entirely (its
//    detections too): it never ends, confirms, moves or creates anything.
//  - An inferred frame says nothing about objects outside its inferRegion. An object is *covered*
//    by an inference when the inference saw the whole frame, or its crop contains the object's last
//    box (clipped to the frame). Only covered inferences count, as hits or misses, for that object.
//
// What ends an object (and nothing else does):
//  - Covered inferences have not found it for endAfterS seconds: at a covered inference that misses
//    it, when at least endAfterS seconds passed since the first covered miss after its last sighting.
//    So ending needs at least two covered misses endAfterS apart (one when endAfterS is 0), and a
//    single flickering miss after a long unobserved stretch never ends an object.
//  - flush() (camera removed, shutdown) ends everything.
//  - Unconfirmed candidates (never events) are also dropped silently once their last confirmWindow
//    covered inferences all missed, or when evicted to keep the number of tracks bounded.
// What never ends an object: frames that were not inferred, crops that do not contain its last box,
// time passing without inferences (a person standing still for minutes with no inference stays
// one object). An object that leaves and is found again after it ended is a new object.
//
// Times: wallTime is reported back as given (seconds). The tracker's own timing (ending,
// stationary, velocity) runs on a clock that only advances by the forward steps of wallTime, so a
// wall clock stepping backwards (NTP) neither ends nor freezes objects.
#include <QHash>
#include <QList>
#include <QPointF>
#include <QPolygonF>
#include <QRect>
#include <QRectF>
#include <QSize>
#include <QString>
#include <QStringList>
#include <QVector>

#include "common/frame.h"
#include "events/zone.h"

namespace vigil {

// Per-label detection and event filters. Areas are fractions of the frame's area (0..1), so one
// setting fits a 320x240 ESP32 and a 1080p camera alike.
struct LabelFilter {
    float minScore = 0.5f;        // detections below are not seen at all (the detector runs at 0.25)
    double minArea = 0.0;         // detections whose box area / frame area is outside
    double maxArea = 1.0;         //   [minArea, maxArea] are not seen at all
    float minMedianScore = 0.6f;  // an object makes an event only while the median of its last
                                  // TrackerSettings::medianWindow scores reaches this
    bool operator==(const LabelFilter&) const = default;
};

struct TrackerSettings {
    // Confirmation: seen in confirmHits of the last confirmWindow covered inferences.
    int confirmHits = 3;
    int confirmWindow = 5;
    // Ending: see the contract above. 10 s rides over a person hidden behind a car or a detector
    // that misses a few frames, and still splits two visits of the same label a short walk apart.
    double endAfterS = 10.0;
    // Stationary: the box centre stayed within stationaryTolerance x (larger side of the box) of
    // where it came to rest for stationaryAfterS seconds. 5% is above a detector's usual box jitter.
    double stationaryAfterS = 10.0;
    double stationaryTolerance = 0.05;
    // Labels that are tracked and make events; detections of other labels are ignored.
    QStringList labels = {QStringLiteral("person"), QStringLiteral("car"), QStringLiteral("dog"),
                          QStringLiteral("cat"), QStringLiteral("bicycle"), QStringLiteral("motorcycle"),
                          QStringLiteral("truck"), QStringLiteral("bird")};
    LabelFilter defaultFilter;           // for labels without their own entry in filters
    QHash<QString, LabelFilter> filters; // per label
    QList<Zone> zones;
    // Bounds: scores in the median, points in an object's track, live tracks per camera.
    int medianWindow = 10;
    int maxTrackPoints = 300;            // 300 points: 20 s at 15 inferences/s, 5 min at 1/s
    int maxTracks = 100;
    // Matching: a detection continues a track of the same label when its IoU with the track's
    // predicted (constant velocity) or last box reaches minIou; failing that, when its centre is
    // within maxCentreDistance x (larger side of the predicted box) and the sizes are within 2x
    // (a fast object at a low inference rate overlaps nothing).
    double minIou = 0.2;
    double maxCentreDistance = 0.75;
    double maxPredictS = 1.0;            // constant velocity is extrapolated at most this far

    const LabelFilter& filterFor(const QString& label) const;
};

// One inference in which the object was seen.
struct TrackSighting {
    double t = 0;                 // wall time (seconds), as passed in the observation
    quint64 seq = 0;
    QRectF box;                   // source pixels
    float score = 0;
    bool operator==(const TrackSighting&) const = default;
};

// A tracked object as an event consumer sees it. Copied into every change.
struct TrackedObject {
    quint64 id = 0;               // tracker-local, increasing from 1
    QString label;
    int classId = -1;
    QSize sourceSize;             // frame size of the last sighting (boxes are in its pixels)
    double startTime = 0;         // wall time of the first sighting
    double lastSeen = 0;          // wall time of the last sighting
    double endTime = -1;          // set on End (== lastSeen: the last time it was known to be there); -1 while live
    QRectF box;                   // last box seen
    float lastScore = 0;
    float topScore = 0;           // highest single score
    float medianScore = 0;        // median of the last medianWindow scores
    // Best observation: highest score x box area. bestSeq picks the snapshot frame.
    QRectF bestBox;
    float bestScore = 0;
    quint64 bestSeq = 0;
    double bestTime = 0;
    QStringList zones;            // every zone entered (bottom centre of the box inside), in entry order
    bool stationary = false;
    bool confirmed = false;       // seen confirmHits of the last confirmWindow covered inferences (sticky)
    bool isEvent = false;         // New was emitted (sticky until End)
    int hits = 0;                 // inferences that found it, all time
    QVector<TrackSighting> track; // the last maxTrackPoints sightings, oldest first
};

struct TrackChange {
    enum class Kind { New, Update, End };
    Kind kind = Kind::New;
    double wallTime = 0;          // of the update() / flush() that produced it
    TrackedObject object;
};

// What the tracker is given per processed frame (the fields of ProcessedFrame it needs).
struct Observation {
    quint64 seq = 0;
    double wallTime = 0;          // seconds (e.g. ProcessedFrame::wallMs / 1000.0)
    QSize sourceSize;
    bool inferred = false;
    QRect inferRegion;            // empty while inferred: taken as the whole frame
    QVector<Detection> detections;
    static Observation fromFrame(const ProcessedFrame& frame);
};

class ObjectTracker {
public:
    explicit ObjectTracker(TrackerSettings settings = {});

    // From the next update on. Live objects keep what they recorded (zones, confirmation); a label
    // no longer in labels is no longer matched, so its objects end like any object not found.
    void setSettings(TrackerSettings settings);
    const TrackerSettings& settings() const { return m_settings; }

    // Feeds one processed frame. Returns at most one change per object, ordered by object id:
    //  New    the object became an event: confirmed, passes its label's median filter, and (when the
    //         camera has required zones) entered one of them. Only on an inference that found it.
    //  Update an event's top score, best observation, zones entered or stationary flag changed.
    //  End    an event ended (see the contract). Objects that never were events end silently.
    QList<TrackChange> update(const Observation& observation);
    // Ends every event (camera removed, shutdown) and forgets all tracks. endTime is each object's
    // lastSeen; wallTime is reported as the changes' wallTime.
    QList<TrackChange> flush(double wallTime);

    // Live tracks, candidates included (isEvent tells them apart), ordered by id.
    QList<TrackedObject> objects() const;
    int trackCount() const { return int(m_tracks.size()); }
    // Live tracks that are confirmed (no copies: called on every inferred frame).
    int confirmedCount() const;

private:
    // A track: the public object plus what only the tracker needs.
    struct Track {
        TrackedObject obj;
        QVector<bool> window;        // last confirmWindow covered inferences, oldest first: found or not
        QVector<float> scores;       // last medianWindow scores
        QPointF velocity;            // box centre, source pixels per second (tracker clock)
        double lastHitClock = 0;
        double firstMissClock = -1;  // first covered miss since the last sighting; -1: none
        QRectF restBox;              // where it came to rest, and since when (stationary)
        double restClock = 0;
        bool hitNow = false;         // found by the current update
        // What the last New/Update carried: an Update is sent only when one of these changed.
        float reportedTop = 0;
        int bestVersion = 0, reportedBestVersion = 0;
        qsizetype reportedZones = 0;
        bool reportedStationary = false;
    };
    QRectF predictedBox(const Track& track) const;
    double matchScore(const Track& track, const QRectF& box) const;
    void ingestHit(Track& track, const Detection& d, const Observation& o);
    bool coveredBy(const Track& track, const Observation& o) const;
    bool passesEventFilters(const Track& track) const;
    bool acceptDetection(const Detection& d, const Observation& o) const;
    bool makeRoomFor(const Detection& d);

    TrackerSettings m_settings;
    QList<Track> m_tracks;        // ordered by id
    quint64 m_nextId = 1;
    double m_clock = 0;           // advances by forward steps of wallTime only
    double m_lastWall = 0;
    bool m_started = false;
};

} // namespace vigil
