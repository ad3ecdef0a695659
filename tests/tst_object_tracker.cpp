// Object tracker on synthetic detection sequences (no images): ids, confirmation, ending only on
// covering inferences, zones, filters, stationary, bounds.
#include <QTest>
#include <cmath>

#include "events/object_tracker.h"
#include "events/zone.h"

using vigil::Detection;
using vigil::LabelFilter;
using vigil::Observation;
using vigil::ObjectTracker;
using vigil::TrackChange;
using vigil::TrackedObject;
using vigil::TrackerSettings;
using vigil::Zone;
using Kind = TrackChange::Kind;

namespace {

const QSize kFrame(1000, 1000);  // relative zone coordinates are pixels / 1000
const QRect kWhole(QPoint(0, 0), kFrame);

Detection det(const QString& label, const QRectF& box, float score = 0.9f)
{
    Detection d;
    d.name = label;
    d.classId = label == QLatin1String("person") ? 0 : 2;
    d.box = box;
    d.score = score;
    return d;
}
QPolygonF poly(std::initializer_list<QPointF> points) { return QPolygonF(QList<QPointF>(points)); }
Detection person(double x, double y, float score = 0.9f) { return det(QStringLiteral("person"), QRectF(x, y, 60, 150), score); }

// Feeds a tracker and keeps every change it returned.
struct Feed {
    explicit Feed(TrackerSettings settings = {}) : tracker(std::move(settings)) {}

    QList<TrackChange> infer(double t, const QVector<Detection>& detections, const QRect& region = kWhole)
    {
        return feed(t, detections, true, region);
    }
    // A frame the detector did not look at (its detections, e.g. stale ones, must be ignored).
    QList<TrackChange> notInferred(double t, const QVector<Detection>& detections = {})
    {
        return feed(t, detections, false, QRect());
    }
    QList<TrackChange> feed(double t, const QVector<Detection>& detections, bool inferred, const QRect& region)
    {
        Observation o;
        o.seq = ++seq;
        o.wallTime = t;
        o.sourceSize = kFrame;
        o.inferred = inferred;
        o.inferRegion = region;
        o.detections = detections;
        const QList<TrackChange> changes = tracker.update(o);
        log += changes;
        return changes;
    }
    QList<TrackChange> of(Kind kind) const
    {
        QList<TrackChange> out;
        for (const TrackChange& c : log)
            if (c.kind == kind)
                out.append(c);
        return out;
    }
    int count(Kind kind) const { return int(of(kind).size()); }

    ObjectTracker tracker;
    quint64 seq = 0;
    QList<TrackChange> log;
};

// A confirmed person event standing at (x, y): 1 s of whole-frame inferences at 10/s, starting at t0.
void establish(Feed& f, double t0, double x = 100, double y = 100)
{
    for (int i = 0; i < 10; ++i)
        f.infer(t0 + i * 0.1, {person(x, y)});
}

} // namespace

class TestObjectTracker : public QObject {
    Q_OBJECT
private slots:
    void crossingPeopleKeepTheirIds_data()
    {
        QTest::addColumn<bool>("occluded");
        QTest::newRow("both visible") << false;
        QTest::newRow("one hidden while they overlap") << true;
    }
    void crossingPeopleKeepTheirIds()
    {
        QFETCH(bool, occluded);
        Feed f;
        // A walks right, B walks left on nearly the same line; their boxes meet and pass.
        int hidden = 0;
        for (int i = 0; i <= 70; ++i) {
            const double xa = 100 + 10 * i, xb = 800 - 10 * i;
            QVector<Detection> d{person(xa, 400)};
            if (occluded && std::abs(xa - xb) < 40)
                ++hidden;  // B is behind A: the detector sees one person
            else
                d.append(person(xb, 410));
            f.infer(i * 0.1, d);
        }
        QCOMPARE(f.count(Kind::New), 2);
        QCOMPARE(f.count(Kind::End), 0);
        QCOMPARE(hidden > 0, occluded);
        const QList<TrackedObject> objects = f.tracker.objects();
        QCOMPARE(objects.size(), 2);
        // Each id's track only ever moves one way, and ends on the side it walked to.
        int rightward = 0, leftward = 0;
        for (const TrackedObject& o : objects) {
            const double dir = o.track.last().box.x() - o.track.first().box.x();
            for (qsizetype k = 1; k < o.track.size(); ++k)
                QVERIFY2((o.track[k].box.x() - o.track[k - 1].box.x()) * dir > 0, qPrintable(QString::number(o.id)));
            (dir > 0 ? rightward : leftward) += 1;
        }
        QCOMPARE(rightward, 1);
        QCOMPARE(leftward, 1);
        const qsizetype points = objects[0].track.size() + objects[1].track.size();
        QCOMPARE(points, 2 * 71 - hidden);
    }

    void oneFrameFalsePositivesNeverBecomeEvents()
    {
        Feed f;
        // A false positive somewhere new on every frame for 10 s, and once a lone one.
        for (int i = 0; i < 100; ++i)
            f.infer(i * 0.1, {person((i * 137) % 900, (i * 291) % 800)});
        f.infer(10.0, {person(500, 500, 0.99f)});
        for (int i = 1; i <= 50; ++i)
            f.infer(10.0 + i * 0.1, {});
        QCOMPARE(f.log.size(), 0);
        // Hopeless candidates are dropped after confirmWindow covering misses, not kept for endAfterS.
        QCOMPARE(f.tracker.trackCount(), 0);
    }

    void flickeringDetectionStaysOneEvent()
    {
        Feed f;
        // Seen 3 of every 5 inferences for 20 s.
        int hits = 0;
        for (int i = 0; i < 200; ++i) {
            const bool seen = QList<int>{0, 1, 3}.contains(i % 5);
            hits += seen;
            f.infer(i * 0.1, seen ? QVector<Detection>{person(300, 300)} : QVector<Detection>{});
        }
        QCOMPARE(f.count(Kind::New), 1);
        QCOMPARE(f.count(Kind::End), 0);
        QCOMPARE(f.tracker.objects().size(), 1);
        QCOMPARE(f.tracker.objects().first().hits, hits);
        const QList<TrackChange> flushed = f.tracker.flush(20.0);
        QCOMPARE(flushed.size(), 1);
        QCOMPARE(flushed.first().kind, Kind::End);
        QCOMPARE(flushed.first().object.id, f.of(Kind::New).first().object.id);
        QCOMPARE(f.tracker.trackCount(), 0);

        // Seen 2 of every 5 never reaches 3 of 5: never an event.
        Feed g;
        for (int i = 0; i < 200; ++i)
            g.infer(i * 0.1, i % 5 < 2 ? QVector<Detection>{person(300, 300)} : QVector<Detection>{});
        QCOMPARE(g.log.size(), 0);
    }

    void leavesAndComesBack_data()
    {
        QTest::addColumn<double>("awayS");
        QTest::addColumn<int>("events");
        QTest::newRow("back after 5 s: same object") << 5.0 << 1;
        QTest::newRow("back after 9.5 s: same object") << 9.5 << 1;
        QTest::newRow("back after 11 s: new object") << 11.0 << 2;
        QTest::newRow("back after 60 s: new object") << 60.0 << 2;
    }
    void leavesAndComesBack()
    {
        QFETCH(double, awayS);
        QFETCH(int, events);
        Feed f;  // endAfterS 10 by default
        QCOMPARE(f.tracker.settings().endAfterS, 10.0);
        establish(f, 0);  // last seen at 0.9
        const int awayFrames = int(std::lround(awayS * 10));
        for (int i = 1; i <= awayFrames; ++i)
            f.infer(0.9 + i * 0.1, {});
        for (int i = 1; i <= 10; ++i)
            f.infer(0.9 + awayS + i * 0.1, {person(100, 100)});
        QCOMPARE(f.count(Kind::New), events);
        QCOMPARE(f.count(Kind::End), events - 1);
        if (events == 2) {
            const TrackChange end = f.of(Kind::End).first();
            QCOMPARE(end.object.id, f.of(Kind::New).first().object.id);
            QCOMPARE(end.object.endTime, 0.9);
            QVERIFY(f.of(Kind::New).last().object.id > end.object.id);
            QVERIFY(f.of(Kind::New).last().object.startTime > 0.9 + awayS);
        } else {
            QCOMPARE(f.tracker.objects().size(), 1);
            QCOMPARE(f.tracker.objects().first().startTime, 0.0);
        }
    }

    void endCarriesEndTime()
    {
        Feed f;
        establish(f, 100);  // last seen at 100.9
        QList<TrackChange> ends;
        double endedAt = -1;
        for (int i = 1; i <= 150 && ends.isEmpty(); ++i) {
            for (const TrackChange& c : f.infer(100.9 + i * 0.1, {}))
                if (c.kind == Kind::End) {
                    ends.append(c);
                    endedAt = c.wallTime;
                }
        }
        QCOMPARE(ends.size(), 1);
        QCOMPARE(ends.first().object.endTime, 100.9);
        QCOMPARE(ends.first().object.lastSeen, 100.9);
        QCOMPARE(ends.first().object.startTime, 100.0);
        // Ends endAfterS after the first covering miss (101.0), not earlier.
        QVERIFY2(endedAt >= 111.0 - 1e-9 && endedAt < 111.1 + 1e-9, qPrintable(QString::number(endedAt)));
        QCOMPARE(f.tracker.trackCount(), 0);
    }

    void standingStillThroughUninferredFramesAndHeartbeats()
    {
        Feed f;
        establish(f, 0, 400, 400);
        // 10 frames/s that nobody inferred (one carries a stale detection elsewhere: ignored), and a
        // whole-frame heartbeat every 30 s that still finds the person.
        for (int s = 1; s <= 100; ++s) {
            for (int k = 0; k < 10; ++k)
                QVERIFY(f.notInferred(s + k * 0.1, {person(800, 50)}).isEmpty());
            if (s % 30 == 0)
                f.infer(s + 0.05, {person(400, 400)});
        }
        QCOMPARE(f.count(Kind::New), 1);
        QCOMPARE(f.count(Kind::End), 0);
        QCOMPARE(f.tracker.trackCount(), 1);
        QCOMPARE(f.tracker.objects().first().hits, 13);
        QVERIFY(f.tracker.objects().first().stationary);

        // One heartbeat that misses (detector flicker) after a long unobserved stretch ends nothing...
        f.infer(120.05, {});
        f.infer(150.05, {person(400, 400)});
        QCOMPARE(f.count(Kind::End), 0);
        QCOMPARE(f.count(Kind::New), 1);
        // ... two misses endAfterS apart do, and the end time is the last sighting.
        f.infer(180.05, {});
        QCOMPARE(f.count(Kind::End), 0);
        f.infer(210.05, {});
        QCOMPARE(f.count(Kind::End), 1);
        QCOMPARE(f.of(Kind::End).first().object.endTime, 150.05);
    }

    void cropWithoutTheBoxIsNotAMiss()
    {
        Feed f;
        establish(f, 0, 100, 100);  // box 100..160 x 100..250
        // 30 s of crops elsewhere, and some that hold only part of the box: no misses.
        for (int i = 1; i <= 300; ++i) {
            const QRect crop = i % 2 ? QRect(500, 500, 300, 300) : QRect(130, 0, 320, 320);
            f.infer(0.9 + i * 0.1, {}, crop);
        }
        QCOMPARE(f.count(Kind::End), 0);
        QCOMPARE(f.tracker.trackCount(), 1);
        // Crops that hold the whole box and do not find it: a miss each, ended after endAfterS.
        double endedAt = -1;
        for (int i = 1; i <= 150 && endedAt < 0; ++i)
            for (const TrackChange& c : f.infer(30.9 + i * 0.1, {}, QRect(50, 50, 320, 320)))
                if (c.kind == Kind::End)
                    endedAt = c.wallTime;
        QVERIFY2(endedAt >= 41.0 - 1e-9 && endedAt < 41.1 + 1e-9, qPrintable(QString::number(endedAt)));
        QCOMPARE(f.of(Kind::End).first().object.endTime, 0.9);
    }

    void inferredWithoutRegionIsTheWholeFrame()
    {
        Feed f;
        establish(f, 0);
        for (int i = 1; i <= 120; ++i)
            f.infer(0.9 + i * 0.1, {}, QRect());
        QCOMPARE(f.count(Kind::End), 1);
    }

    void zoneEntryIsByBottomCentre()
    {
        const Zone top{QStringLiteral("top"), poly({{0, 0}, {1, 0}, {1, 0.5}, {0, 0.5}}), false};
        // The anchor is the bottom centre, relative to the frame.
        QCOMPARE(vigil::zoneAnchor(QRectF(100, 300, 60, 300), kFrame), QPointF(0.13, 0.6));
        QVERIFY(!vigil::zoneContains(top, QPointF(0.13, 0.6)));
        QVERIFY(vigil::zoneContains(top, QPointF(0.13, 0.45)));
        QVERIFY(!vigil::zoneContains(Zone{QStringLiteral("line"), poly({{0, 0}, {1, 1}}), false}, QPointF(0.5, 0.5)));

        TrackerSettings s;
        s.zones = {top};
        Feed f(s);
        for (int i = 0; i < 10; ++i)
            f.infer(i * 0.1, {det(QStringLiteral("person"), QRectF(100, 300, 60, 300)),    // head in, feet out
                              det(QStringLiteral("person"), QRectF(600, 200, 60, 250))});  // feet at 0.45: in
        QCOMPARE(f.count(Kind::New), 2);
        for (const TrackedObject& o : f.tracker.objects())
            QCOMPARE(o.zones, o.box.x() < 500 ? QStringList{} : QStringList{QStringLiteral("top")});
    }

    void zonesEnteredAreAllRecorded()
    {
        TrackerSettings s;
        s.zones = {Zone{QStringLiteral("left"), poly({{0, 0}, {0.3, 0}, {0.3, 1}, {0, 1}}), false},
                   Zone{QStringLiteral("right"), poly({{0.7, 0}, {1, 0}, {1, 1}, {0.7, 1}}), false}};
        Feed f(s);
        // Walks left -> right -> back to the middle, 10 px per inference.
        int i = 0;
        for (double x = 50; x <= 850; x += 10)
            f.infer(0.1 * i++, {person(x, 500)});
        for (double x = 850; x >= 450; x -= 10)
            f.infer(0.1 * i++, {person(x, 500)});
        QCOMPARE(f.count(Kind::New), 1);
        QCOMPARE(f.of(Kind::New).first().object.zones, QStringList{QStringLiteral("left")});
        const QStringList both{QStringLiteral("left"), QStringLiteral("right")};
        QCOMPARE(f.tracker.objects().first().zones, both);
        // The entry into "right" was an Update.
        bool updateOnEntry = false;
        for (const TrackChange& c : f.of(Kind::Update))
            updateOnEntry |= c.object.zones == both && c.object.box.x() + 30 >= 700 && c.object.box.x() + 30 < 720;
        QVERIFY(updateOnEntry);
    }

    void requiredZoneMakesTheEventOnEntry()
    {
        TrackerSettings s;
        s.zones = {Zone{QStringLiteral("driveway"), poly({{0.5, 0}, {1, 0}, {1, 1}, {0.5, 1}}), true},
                   Zone{QStringLiteral("street"), poly({{0, 0}, {0.5, 0}, {0.5, 0.3}, {0, 0.3}}), false}};
        Feed f(s);
        // Confirmed on the left for 3 s: not an event (never in the required zone; "street" is not required).
        for (int i = 0; i < 30; ++i)
            f.infer(i * 0.1, {person(100, 50 + i)});  // feet at ~0.2-0.23: in "street"
        QCOMPARE(f.log.size(), 0);
        QCOMPARE(f.tracker.objects().size(), 1);
        QVERIFY(f.tracker.objects().first().confirmed);
        QCOMPARE(f.tracker.objects().first().zones, QStringList{QStringLiteral("street")});
        // Walks right: New on the inference its feet crossed into the driveway (x + 30 >= 500).
        double newAtX = -1;
        for (int i = 0; i < 60; ++i)
            for (const TrackChange& c : f.infer(3.0 + i * 0.1, {person(105 + 10 * i, 80)}))
                if (c.kind == Kind::New)
                    newAtX = c.object.box.x();
        QCOMPARE(f.count(Kind::New), 1);
        QCOMPARE(newAtX, 475.0);
        const TrackChange created = f.of(Kind::New).first();
        QCOMPARE(created.object.zones, (QStringList{QStringLiteral("street"), QStringLiteral("driveway")}));
        QCOMPARE(created.object.startTime, 0.0);  // the object's first sighting, not the event's

        // Without required zones the same walk makes the event as soon as it is confirmed.
        s.zones[0].required = false;
        Feed g(s);
        for (int i = 0; i < 3; ++i)
            g.infer(i * 0.1, {person(100, 50 + i)});
        QCOMPARE(g.count(Kind::New), 1);
    }

    void medianScoreFilter()
    {
        Feed f;  // minMedianScore 0.6 by default
        QCOMPARE(f.tracker.settings().defaultFilter.minMedianScore, 0.6f);
        // A leaf that once looks very much like a person: confirmed, never an event.
        for (int i = 0; i < 50; ++i)
            f.infer(i * 0.1, {person(200, 200, i == 5 ? 0.97f : 0.55f)});
        QCOMPARE(f.log.size(), 0);
        QCOMPARE(f.tracker.objects().size(), 1);
        QVERIFY(f.tracker.objects().first().confirmed);
        QCOMPARE(f.tracker.objects().first().topScore, 0.97f);
        QCOMPARE(f.tracker.objects().first().medianScore, 0.55f);
        // When it really becomes a person (scores rise), the median passes and it becomes an event.
        for (int i = 50; i < 60; ++i)
            f.infer(i * 0.1, {person(200, 200, 0.8f)});
        QCOMPARE(f.count(Kind::New), 1);
        QVERIFY(f.of(Kind::New).first().object.medianScore >= 0.6f);

        // Per label: a stricter threshold for cars only.
        TrackerSettings s;
        s.filters.insert(QStringLiteral("car"), LabelFilter{0.5f, 0.0, 1.0, 0.85f});
        Feed g(s);
        for (int i = 0; i < 20; ++i)
            g.infer(i * 0.1, {det(QStringLiteral("car"), QRectF(100, 100, 200, 100), 0.8f), person(600, 600, 0.8f)});
        QCOMPARE(g.count(Kind::New), 1);
        QCOMPARE(g.of(Kind::New).first().object.label, QStringLiteral("person"));
    }

    void labelAndDetectionFilters()
    {
        // Default labels: a chair is ignored entirely.
        Feed f;
        for (int i = 0; i < 20; ++i)
            f.infer(i * 0.1, {det(QStringLiteral("chair"), QRectF(100, 100, 100, 100))});
        QCOMPARE(f.log.size(), 0);
        QCOMPARE(f.tracker.trackCount(), 0);

        // Only cars: people ignored. Car filters: min score and area bounds (fractions of the frame).
        TrackerSettings s;
        s.labels = {QStringLiteral("car")};
        s.filters.insert(QStringLiteral("car"), LabelFilter{0.7f, 0.01, 0.5, 0.6f});
        Feed g(s);
        for (int i = 0; i < 20; ++i)
            g.infer(i * 0.1, {person(100, 100),
                              det(QStringLiteral("car"), QRectF(300, 300, 200, 100), 0.65f),  // score too low
                              det(QStringLiteral("car"), QRectF(10, 900, 50, 50)),            // 0.25%: too small
                              det(QStringLiteral("car"), QRectF(0, 0, 900, 900)),             // 81%: too big
                              det(QStringLiteral("car"), QRectF(600, 100, 200, 100))});       // 2%: kept
        QCOMPARE(g.count(Kind::New), 1);
        QCOMPARE(g.tracker.trackCount(), 1);
        QCOMPARE(g.of(Kind::New).first().object.box, QRectF(600, 100, 200, 100));
    }

    void labelsNeverMatchEachOther()
    {
        Feed f;
        const QRectF box(300, 300, 200, 150);
        for (int i = 0; i < 10; ++i)
            f.infer(i * 0.1, {det(QString::fromLatin1(i % 2 ? "car" : "truck"), box)});
        // Alternating labels on the same box: two tracks, each seen every other time; neither
        // ever continues the other.
        QCOMPARE(f.tracker.trackCount(), 2);
        for (const TrackedObject& o : f.tracker.objects())
            QCOMPARE(o.hits, 5);
    }

    void stationaryIsSetAndCleared()
    {
        Feed f;
        int i = 0;
        auto t = [&] { return 0.1 * i++; };
        for (int k = 0; k < 30; ++k)
            f.infer(t(), {person(100 + 10 * k, 300)});
        QVERIFY(!f.tracker.objects().first().stationary);
        // Stops (1 px jitter, under 5% of 150 px), for 15 s.
        const double stoppedAt = 0.1 * i;
        double setAt = -1;
        for (int k = 0; k < 150; ++k) {
            const double now = t();
            for (const TrackChange& c : f.infer(now, {person(400 + (k % 2), 300)}))
                if (c.kind == Kind::Update && c.object.stationary && setAt < 0)
                    setAt = now;
        }
        QVERIFY2(setAt >= stoppedAt + 10 - 1e-9 && setAt < stoppedAt + 10.2, qPrintable(QString::number(setAt)));
        QVERIFY(f.tracker.objects().first().stationary);
        // Walks off: cleared with an Update.
        bool cleared = false;
        for (int k = 1; k <= 5; ++k)
            for (const TrackChange& c : f.infer(t(), {person(400 + 10 * k, 300)}))
                cleared |= c.kind == Kind::Update && !c.object.stationary;
        QVERIFY(cleared);
        QVERIFY(!f.tracker.objects().first().stationary);
        QCOMPARE(f.count(Kind::New), 1);
    }

    void slowDriftIsNotStationary()
    {
        Feed f;
        // 2 px per inference (under the 7.5 px tolerance per step, 30 px per second in total).
        for (int k = 0; k < 200; ++k)
            f.infer(k * 0.1, {person(100 + 2 * k, 300)});
        QVERIFY(!f.tracker.objects().first().stationary);
    }

    void noUpdatesForNothing()
    {
        Feed f;
        for (int k = 0; k < 80; ++k)  // 8 s: under stationaryAfterS
            f.infer(k * 0.1, {person(100, 100, 0.8f)});
        QCOMPARE(f.log.size(), 1);
        QCOMPARE(f.log.first().kind, Kind::New);
        // A better observation (larger box, same score) is an Update carrying the frame to snapshot.
        Detection bigger = det(QStringLiteral("person"), QRectF(100, 100, 62, 155), 0.8f);
        const QList<TrackChange> c = f.infer(8.0, {bigger});
        QCOMPARE(c.size(), 1);
        QCOMPARE(c.first().kind, Kind::Update);
        QCOMPARE(c.first().object.bestSeq, f.seq);
        QCOMPARE(c.first().object.bestBox, bigger.box);
        // A higher top score is an Update too; a lower score on a smaller box is nothing.
        QCOMPARE(f.infer(8.1, {person(100, 100, 0.95f)}).size(), 1);
        QCOMPARE(f.infer(8.2, {person(100, 100, 0.7f)}).size(), 0);
    }

    void trackIsBounded()
    {
        Feed f;
        QCOMPARE(f.tracker.settings().maxTrackPoints, 300);
        for (int k = 0; k < 1000; ++k)
            f.infer(k * 0.1, {person(100 + (k % 50), 100)});
        const TrackedObject o = f.tracker.objects().first();
        QCOMPARE(o.hits, 1000);
        QCOMPARE(o.track.size(), 300);
        QCOMPARE(o.track.first().seq, quint64(701));
        QCOMPARE(o.track.last().seq, quint64(1000));
        QCOMPARE(o.startTime, 0.0);
    }

    void liveTracksAreBounded()
    {
        TrackerSettings s;
        s.maxTracks = 100;
        Feed f(s);
        establish(f, 0, 10, 10);
        const quint64 eventId = f.of(Kind::New).first().object.id;
        // 150 new candidates on every frame, at new places: the event survives, the count stays bounded.
        for (int k = 0; k < 20; ++k) {
            QVector<Detection> d{person(10, 10)};
            for (int n = 0; n < 150; ++n)
                d.append(det(QStringLiteral("cat"), QRectF(100 + (n % 15) * 60, 100 + (n / 15) * 80 + k * 3, 20, 20), 0.6f));
            f.infer(1.0 + k * 0.1, d);
            QVERIFY(f.tracker.trackCount() <= 100);
        }
        QCOMPARE(f.count(Kind::End), 0);
        bool eventAlive = false;
        for (const TrackedObject& o : f.tracker.objects())
            eventAlive |= o.id == eventId;
        QVERIFY(eventAlive);
    }

    void fastObjectAtLowRateIsOneObject()
    {
        Feed f;
        // 1 inference/s, 100 px per step with a 60 px wide box: consecutive boxes never overlap.
        for (int k = 0; k < 8; ++k)
            f.infer(k, {person(100 + 100 * k, 500)});
        QCOMPARE(f.tracker.trackCount(), 1);
        QCOMPARE(f.count(Kind::New), 1);
    }

    void flushEndsEventsOnly()
    {
        Feed f;
        establish(f, 0);
        f.infer(1.0, {person(100, 100), person(700, 700)});  // a second, unconfirmed candidate
        QCOMPARE(f.tracker.trackCount(), 2);
        const QList<TrackChange> ends = f.tracker.flush(5.0);
        QCOMPARE(ends.size(), 1);
        QCOMPARE(ends.first().kind, Kind::End);
        QCOMPARE(ends.first().wallTime, 5.0);
        QCOMPARE(ends.first().object.endTime, 1.0);
        QCOMPARE(f.tracker.trackCount(), 0);
        // Ids keep increasing after a flush.
        establish(f, 10);
        QVERIFY(f.of(Kind::New).last().object.id > ends.first().object.id);
    }

    void wallClockSteppingBackDoesNotEndOrFreeze()
    {
        Feed f;
        establish(f, 1000);
        // The wall clock steps back an hour; the person is still there.
        for (int k = 0; k < 20; ++k)
            f.infer(-2600 + k * 0.1, {person(100, 100)});
        QCOMPARE(f.count(Kind::End), 0);
        QCOMPARE(f.tracker.objects().first().lastSeen, -2600 + 1.9);
        // Then leaves: ends endAfterS after the first miss, on the new clock.
        for (int k = 1; k <= 105; ++k)
            f.infer(-2598.1 + k * 0.1, {});
        QCOMPARE(f.count(Kind::End), 1);
    }

    void settingsChangeAppliesToLiveObjects()
    {
        Feed f;
        establish(f, 0);
        TrackerSettings s;
        s.labels = {QStringLiteral("car")};
        f.tracker.setSettings(s);
        // People are no longer tracked: the live person is never found again and ends after endAfterS.
        for (int i = 1; i <= 120; ++i)
            f.infer(0.9 + i * 0.1, {person(100, 100)});
        QCOMPARE(f.count(Kind::End), 1);
        QCOMPARE(f.count(Kind::New), 1);
        QCOMPARE(f.tracker.trackCount(), 0);
    }

    void observationFromFrame()
    {
        vigil::ProcessedFrame frame;
        frame.seq = 7;
        frame.wallMs = 1'700'000'000'250;
        frame.sourceSize = kFrame;
        frame.inferred = true;
        frame.inferRegion = QRect(10, 10, 320, 320);
        frame.detections = {person(20, 20)};
        const Observation o = Observation::fromFrame(frame);
        QCOMPARE(o.seq, quint64(7));
        QCOMPARE(o.wallTime, 1'700'000'000.25);
        QCOMPARE(o.inferRegion, frame.inferRegion);
        QCOMPARE(o.detections.size(), 1);
        QVERIFY(o.inferred);
    }
};

QTEST_GUILESS_MAIN(TestObjectTracker)
#include "tst_object_tracker.moc"
