#include "events/object_tracker.h"

#include <algorithm>
#include <cmath>
#include <tuple>

namespace vigil {

namespace {

// A velocity measured over a longer gap than this says little about where the object goes next.
constexpr double kVelocityGapS = 2.0;

QPointF centreOf(const QRectF& r) { return r.center(); }

double areaOf(const QRectF& r) { return std::max(0.0, r.width()) * std::max(0.0, r.height()); }

double iou(const QRectF& a, const QRectF& b)
{
    const double inter = areaOf(a.intersected(b));
    const double uni = areaOf(a) + areaOf(b) - inter;
    return uni > 0 ? inter / uni : 0.0;
}

float medianOf(QVector<float> v)
{
    if (v.isEmpty())
        return 0.f;
    std::sort(v.begin(), v.end());
    const qsizetype n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.f;
}

TrackerSettings sanitized(TrackerSettings s)
{
    s.confirmWindow = std::max(1, s.confirmWindow);
    s.confirmHits = std::clamp(s.confirmHits, 1, s.confirmWindow);
    s.endAfterS = std::max(0.0, s.endAfterS);
    s.stationaryAfterS = std::max(0.0, s.stationaryAfterS);
    s.stationaryTolerance = std::max(0.0, s.stationaryTolerance);
    s.medianWindow = std::max(1, s.medianWindow);
    s.maxTrackPoints = std::max(1, s.maxTrackPoints);
    s.maxTracks = std::max(1, s.maxTracks);
    s.maxPredictS = std::max(0.0, s.maxPredictS);
    return s;
}

} // namespace

const LabelFilter& TrackerSettings::filterFor(const QString& label) const
{
    const auto it = filters.constFind(label);
    return it == filters.constEnd() ? defaultFilter : *it;
}

Observation Observation::fromFrame(const ProcessedFrame& frame)
{
    Observation o;
    o.seq = frame.seq;
    // When the frame arrived, not when it was processed: clips are timed by arrival, so the
    // track's boxes line up with the clip's frames.
    const qint64 processingMs = frame.receivedNs > 0 && frame.processedNs >= frame.receivedNs
                                    ? (frame.processedNs - frame.receivedNs) / 1'000'000 : 0;
    o.wallTime = (frame.wallMs - processingMs) / 1000.0;
    o.sourceSize = frame.sourceSize;
    o.inferred = frame.inferred;
    o.inferRegion = frame.inferRegion;
    o.detections = frame.detections;
    return o;
}

ObjectTracker::ObjectTracker(TrackerSettings settings) : m_settings(sanitized(std::move(settings))) {}

void ObjectTracker::setSettings(TrackerSettings settings)
{
    m_settings = sanitized(std::move(settings));
    for (Track& t : m_tracks) {
        while (t.window.size() > m_settings.confirmWindow)
            t.window.removeFirst();
        while (t.scores.size() > m_settings.medianWindow)
            t.scores.removeFirst();
        if (t.obj.track.size() > m_settings.maxTrackPoints)
            t.obj.track.remove(0, t.obj.track.size() - m_settings.maxTrackPoints);
    }
}

bool ObjectTracker::acceptDetection(const Detection& d, const Observation& o) const
{
    if (d.box.width() <= 0 || d.box.height() <= 0 || !std::isfinite(d.score))
        return false;
    if (!m_settings.labels.contains(d.name, Qt::CaseInsensitive))
        return false;
    const LabelFilter& f = m_settings.filterFor(d.name);
    if (d.score < f.minScore)
        return false;
    const double frameArea = double(o.sourceSize.width()) * o.sourceSize.height();
    if (frameArea > 0) {  // unknown frame size: no area filter
        const double share = areaOf(d.box) / frameArea;
        if (share < f.minArea || share > f.maxArea)
            return false;
    }
    return true;
}

QRectF ObjectTracker::predictedBox(const Track& track) const
{
    const double dt = std::min(m_clock - track.lastHitClock, m_settings.maxPredictS);
    return track.obj.box.translated(track.velocity * std::max(0.0, dt));
}

// > 1: overlaps (1 + IoU); (0, 1]: near enough by centre distance; 0: no match.
double ObjectTracker::matchScore(const Track& track, const QRectF& box) const
{
    const QRectF predicted = predictedBox(track);
    const double overlap = std::max(iou(predicted, box), iou(track.obj.box, box));
    if (overlap >= m_settings.minIou && overlap > 0)
        return 1.0 + overlap;
    const double side = std::max(predicted.width(), predicted.height());
    const double predictedArea = areaOf(predicted);
    if (side <= 0 || predictedArea <= 0 || m_settings.maxCentreDistance <= 0)
        return 0;
    const double sizeRatio = areaOf(box) / predictedArea;
    if (sizeRatio < 0.25 || sizeRatio > 4.0)
        return 0;
    const QPointF delta = centreOf(box) - centreOf(predicted);
    const double distance = std::hypot(delta.x(), delta.y()) / side;
    if (distance >= m_settings.maxCentreDistance)
        return 0;
    return 1.0 - distance / m_settings.maxCentreDistance;
}

bool ObjectTracker::coveredBy(const Track& track, const Observation& o) const
{
    if (o.inferRegion.isEmpty())
        return true;  // inferred without a region: the whole frame (see Observation)
    const QRectF region(o.inferRegion);
    QRectF box = track.obj.box;
    if (o.sourceSize.isValid()) {
        const QRectF frame(QPointF(0, 0), QSizeF(o.sourceSize));
        if (region.contains(frame))
            return true;
        // A box sticking out of the frame is covered by a crop that holds its visible part.
        const QRectF visible = box.intersected(frame);
        if (!visible.isEmpty())
            box = visible;
    }
    return region.contains(box);
}

void ObjectTracker::ingestHit(Track& t, const Detection& d, const Observation& o)
{
    TrackedObject& obj = t.obj;
    const double now = m_clock;
    const bool first = obj.hits == 0;
    if (!first) {
        const double dt = now - t.lastHitClock;
        if (dt > kVelocityGapS) {
            t.velocity = QPointF();
        } else if (dt > 0) {
            const QPointF measured = (centreOf(d.box) - centreOf(obj.box)) / dt;
            // Smoothed once there is a previous measurement: one jittery box does not fling the prediction.
            t.velocity = obj.hits >= 2 ? (measured + t.velocity) / 2 : measured;
        }
    }
    if (first) {
        obj.startTime = o.wallTime;
        t.restBox = d.box;
        t.restClock = now;
    } else {
        // Stationary: measured from where it came to rest, so a slow drift adds up and counts.
        const double tolerance = m_settings.stationaryTolerance * std::max(t.restBox.width(), t.restBox.height());
        const QPointF moved = centreOf(d.box) - centreOf(t.restBox);
        if (std::hypot(moved.x(), moved.y()) > tolerance) {
            t.restBox = d.box;
            t.restClock = now;
            obj.stationary = false;
        } else if (now - t.restClock >= m_settings.stationaryAfterS) {
            obj.stationary = true;
        }
    }

    obj.classId = d.classId;
    obj.sourceSize = o.sourceSize;
    obj.box = d.box;
    obj.lastScore = d.score;
    obj.lastSeen = o.wallTime;
    obj.hits += 1;
    obj.topScore = std::max(obj.topScore, d.score);
    t.lastHitClock = now;
    t.firstMissClock = -1;
    t.hitNow = true;

    t.window.append(true);
    while (t.window.size() > m_settings.confirmWindow)
        t.window.removeFirst();
    if (t.window.count(true) >= m_settings.confirmHits)
        obj.confirmed = true;

    t.scores.append(d.score);
    while (t.scores.size() > m_settings.medianWindow)
        t.scores.removeFirst();
    obj.medianScore = medianOf(t.scores);

    if (first || double(d.score) * areaOf(d.box) > double(obj.bestScore) * areaOf(obj.bestBox)) {
        obj.bestBox = d.box;
        obj.bestScore = d.score;
        obj.bestSeq = o.seq;
        obj.bestTime = o.wallTime;
        ++t.bestVersion;
    }

    obj.track.append(TrackSighting{o.wallTime, o.seq, d.box, d.score});
    if (obj.track.size() > m_settings.maxTrackPoints)
        obj.track.remove(0, obj.track.size() - m_settings.maxTrackPoints);

    const QPointF anchor = zoneAnchor(d.box, o.sourceSize);
    for (const Zone& zone : m_settings.zones)
        if (!obj.zones.contains(zone.name) && zoneContains(zone, anchor))
            obj.zones.append(zone.name);
}

bool ObjectTracker::passesEventFilters(const Track& t) const
{
    if (!t.obj.confirmed)
        return false;
    if (t.obj.medianScore < m_settings.filterFor(t.obj.label).minMedianScore)
        return false;
    bool anyRequired = false;
    for (const Zone& zone : m_settings.zones) {
        if (!zone.required)
            continue;
        if (t.obj.zones.contains(zone.name))
            return true;
        anyRequired = true;
    }
    return !anyRequired;
}

// Keeps the number of tracks bounded: a new candidate replaces the weakest track that is not an
// event (unconfirmed first, then fewest recent sightings, then lowest score) when it is stronger.
bool ObjectTracker::makeRoomFor(const Detection& d)
{
    if (m_tracks.size() < m_settings.maxTracks)
        return true;
    auto strength = [](const Track& t) {
        return std::make_tuple(t.obj.confirmed ? 1 : 0, int(t.window.count(true)), t.obj.lastScore);
    };
    qsizetype weakest = -1;
    for (qsizetype i = 0; i < m_tracks.size(); ++i)
        if (!m_tracks[i].obj.isEvent && (weakest < 0 || strength(m_tracks[i]) < strength(m_tracks[weakest])))
            weakest = i;
    if (weakest < 0 || !(strength(m_tracks[weakest]) < std::make_tuple(0, 1, d.score)))
        return false;
    m_tracks.removeAt(weakest);
    return true;
}

QList<TrackChange> ObjectTracker::update(const Observation& o)
{
    if (!o.inferred)
        return {};  // says nothing about objects
    if (!m_started) {
        m_started = true;
    } else if (o.wallTime > m_lastWall) {
        m_clock += o.wallTime - m_lastWall;
    }
    m_lastWall = o.wallTime;

    QVector<Detection> detections;
    for (const Detection& d : o.detections)
        if (acceptDetection(d, o))
            detections.append(d);

    // Greedy matching, best pairs first; overlaps always beat centre distance. Ties keep the
    // lower track id and detection index (stable sort over pairs generated in that order).
    struct Pair {
        double score;
        qsizetype track, detection;
    };
    QVector<Pair> pairs;
    for (qsizetype ti = 0; ti < m_tracks.size(); ++ti) {
        m_tracks[ti].hitNow = false;
        for (qsizetype di = 0; di < detections.size(); ++di) {
            if (m_tracks[ti].obj.label != detections[di].name)
                continue;
            const double score = matchScore(m_tracks[ti], detections[di].box);
            if (score > 0)
                pairs.append({score, ti, di});
        }
    }
    std::stable_sort(pairs.begin(), pairs.end(), [](const Pair& a, const Pair& b) { return a.score > b.score; });
    QVector<bool> trackTaken(m_tracks.size(), false), detectionTaken(detections.size(), false);
    for (const Pair& p : pairs) {
        if (trackTaken[p.track] || detectionTaken[p.detection])
            continue;
        trackTaken[p.track] = detectionTaken[p.detection] = true;
        ingestHit(m_tracks[p.track], detections[p.detection], o);
    }

    // Misses: only inferences that covered the track's last box count.
    QVector<bool> ended(m_tracks.size(), false);
    for (qsizetype ti = 0; ti < m_tracks.size(); ++ti) {
        Track& t = m_tracks[ti];
        if (trackTaken[ti] || !coveredBy(t, o))
            continue;
        t.window.append(false);
        while (t.window.size() > m_settings.confirmWindow)
            t.window.removeFirst();
        if (t.firstMissClock < 0)
            t.firstMissClock = m_clock;
        const bool hopeless = !t.obj.confirmed && t.window.size() >= m_settings.confirmWindow && !t.window.contains(true);
        ended[ti] = hopeless || m_clock - t.firstMissClock >= m_settings.endAfterS;
    }

    QList<TrackChange> changes;
    QList<Track> kept;
    kept.reserve(m_tracks.size());
    for (qsizetype ti = 0; ti < m_tracks.size(); ++ti) {
        Track& t = m_tracks[ti];
        if (ended[ti]) {
            if (t.obj.isEvent) {
                t.obj.endTime = t.obj.lastSeen;
                changes.append({TrackChange::Kind::End, o.wallTime, t.obj});
            }
            continue;
        }
        kept.append(std::move(t));
    }
    m_tracks = std::move(kept);

    // New candidates, strongest first, so the bound on tracks keeps the likelier objects.
    QVector<qsizetype> fresh;
    for (qsizetype di = 0; di < detections.size(); ++di)
        if (!detectionTaken[di])
            fresh.append(di);
    std::stable_sort(fresh.begin(), fresh.end(),
                     [&](qsizetype a, qsizetype b) { return detections[a].score > detections[b].score; });
    for (qsizetype di : fresh) {
        const Detection& d = detections[di];
        if (!makeRoomFor(d))
            continue;
        Track t;
        t.obj.id = m_nextId++;
        t.obj.label = d.name;
        ingestHit(t, d, o);
        m_tracks.append(std::move(t));
    }

    // Event life cycle: only a sighting can make or change an event.
    for (Track& t : m_tracks) {
        if (!t.hitNow)
            continue;
        TrackChange::Kind kind;
        if (!t.obj.isEvent) {
            if (!passesEventFilters(t))
                continue;
            t.obj.isEvent = true;
            kind = TrackChange::Kind::New;
        } else if (t.obj.topScore != t.reportedTop || t.bestVersion != t.reportedBestVersion
                   || t.obj.zones.size() != t.reportedZones || t.obj.stationary != t.reportedStationary) {
            kind = TrackChange::Kind::Update;
        } else {
            continue;
        }
        t.reportedTop = t.obj.topScore;
        t.reportedBestVersion = t.bestVersion;
        t.reportedZones = t.obj.zones.size();
        t.reportedStationary = t.obj.stationary;
        changes.append({kind, o.wallTime, t.obj});
    }
    std::stable_sort(changes.begin(), changes.end(),
                     [](const TrackChange& a, const TrackChange& b) { return a.object.id < b.object.id; });
    return changes;
}

QList<TrackChange> ObjectTracker::flush(double wallTime)
{
    QList<TrackChange> changes;
    for (Track& t : m_tracks) {
        if (!t.obj.isEvent)
            continue;
        t.obj.endTime = t.obj.lastSeen;
        changes.append({TrackChange::Kind::End, wallTime, t.obj});
    }
    m_tracks.clear();
    return changes;
}

int ObjectTracker::confirmedCount() const
{
    return int(std::count_if(m_tracks.begin(), m_tracks.end(), [](const Track& t) { return t.obj.confirmed; }));
}

QList<TrackedObject> ObjectTracker::objects() const
{
    QList<TrackedObject> out;
    out.reserve(m_tracks.size());
    for (const Track& t : m_tracks)
        out.append(t.obj);
    return out;
}

} // namespace vigil
