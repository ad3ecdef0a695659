// Event store at scale: fills N events (default 100 000) in one transaction, then times the API's
// queries (median and p99 over repetitions), reopening (integrity check, sweep) and a retention
// pass. Budget: query(camera, label, limit 50) <= 20 ms.
//   bench_event_store [--events N] [--reps R]
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <cstdio>
#include <functional>

#include "bench_util.h"
#include "events/event_store.h"

using namespace vigil;

namespace {

Event syntheticEvent(int i, double t0)
{
    static const char* const kLabels[] = {"person", "person", "person", "person", "car", "car", "dog", "cat", "bicycle", "person"};
    Event e;
    e.camera = QStringLiteral("cam%1").arg(i % 8);
    e.id = makeEventId(QStringLiteral("bench"), e.camera, qint64((t0 + i * 10.0) * 1000), 0);
    e.cameraName = QStringLiteral("Camera %1").arg(i % 8);
    e.label = QLatin1String(kLabels[(i / 8) % 10]);
    e.startTime = t0 + i * 10.0;
    if (i % 100 != 0)  // 1% in progress
        e.endTime = e.startTime + 5 + i % 30;
    e.topScore = 0.5 + (i % 50) / 100.0;
    if (i % 3 == 0)
        e.zones << QStringLiteral("driveway");
    if (i % 5 == 0)
        e.zones << QStringLiteral("porch");
    e.box = QRectF(i % 600, i % 400, 60, 150);
    for (int k = 0; k < 10; ++k)
        e.track.append({e.startTime + k * 0.5, QRectF(i % 600 + k, i % 400, 60, 150), 0.6});
    return e;
}

struct Timing {
    double medianMs, p99Ms;
    int rows;
};

Timing timeIt(int reps, const std::function<int()>& fn)
{
    std::vector<double> ms;
    int rows = 0;
    for (int r = 0; r < reps; ++r) {
        QElapsedTimer t;
        t.start();
        rows = fn();
        ms.push_back(double(t.nsecsElapsed()) / 1e6);
    }
    return {bench::percentile(ms, 0.5), bench::percentile(ms, 0.99), rows};
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    const int n = int(bench::argValue(args, "--events", 100000));
    const int reps = int(bench::argValue(args, "--reps", 200));
    QTemporaryDir tmp;
    EventStore::Options options;
    options.dir = tmp.path() + QStringLiteral("/events");
    options.minFreeBytes = 0;
    const double t0 = 1'700'000'000;

    double openMs = 0, reopenMs = 0;
    {
        QElapsedTimer t;
        t.start();
        EventStore store(options);
        if (StoreResult r = store.open(); !r) {
            std::fprintf(stderr, "open failed: %s\n", qPrintable(r.error));
            return 1;
        }
        openMs = double(t.nsecsElapsed()) / 1e6;
        t.restart();
        store.beginBatch();
        for (int i = 0; i < n; ++i) {
            if (StoreResult r = store.insert(syntheticEvent(i, t0)); !r) {
                std::fprintf(stderr, "insert %d failed: %s\n", i, qPrintable(r.error));
                return 1;
            }
        }
        if (StoreResult r = store.commitBatch(); !r) {
            std::fprintf(stderr, "commit failed: %s\n", qPrintable(r.error));
            return 1;
        }
        const double s = double(t.nsecsElapsed()) / 1e9;
        std::printf("insert: %d events in one transaction in %.2f s = %.0f events/s\n", n, s, n / s);
        // Outside a batch every insert is its own commit (what the event writer does).
        t.restart();
        const int single = 500;
        for (int i = n; i < n + single; ++i)
            store.insert(syntheticEvent(i, t0));
        const double s1 = double(t.nsecsElapsed()) / 1e9;
        std::printf("insert: %d events one commit each: %.0f events/s\n", single, single / s1);
    }
    {
        QElapsedTimer t;
        t.start();
        EventStore store(options);
        store.open();
        reopenMs = double(t.nsecsElapsed()) / 1e6;
    }
    std::printf("open: new %.1f ms, reopen with %d events (quick_check, sweep) %.1f ms\n", openMs, n, reopenMs);

    auto reader = EventStore::openReadOnly(options.dir);
    struct Case {
        const char* name;
        EventQuery q;
    };
    auto make = [](auto&& fill) {
        EventQuery q;
        fill(q);
        return q;
    };
    const double mid = t0 + n * 5.0;
    const QList<Case> cases{
        {"camera=cam3 label=person limit=50", make([](EventQuery& q) { q.camera = QStringLiteral("cam3"); q.label = QStringLiteral("person"); })},
        {"camera=cam3 label=dog limit=50", make([](EventQuery& q) { q.camera = QStringLiteral("cam3"); q.label = QStringLiteral("dog"); })},
        {"camera=cam3", make([](EventQuery& q) { q.camera = QStringLiteral("cam3"); })},
        {"label=bicycle", make([](EventQuery& q) { q.label = QStringLiteral("bicycle"); })},
        {"(no filter)", EventQuery{}},
        {"zone=porch", make([](EventQuery& q) { q.zone = QStringLiteral("porch"); })},
        {"zone=porch camera=cam5", make([](EventQuery& q) { q.zone = QStringLiteral("porch"); q.camera = QStringLiteral("cam5"); })},
        {"in_progress", make([](EventQuery& q) { q.inProgress = true; })},
        {"camera+label before=middle", make([&](EventQuery& q) { q.camera = QStringLiteral("cam3"); q.label = QStringLiteral("person"); q.before = mid; })},
        {"camera+label after/before 1 day", make([&](EventQuery& q) { q.camera = QStringLiteral("cam3"); q.label = QStringLiteral("person"); q.after = mid; q.before = mid + 86400; })},
        {"camera+label with track", make([](EventQuery& q) { q.camera = QStringLiteral("cam3"); q.label = QStringLiteral("person"); q.withTrack = true; })},
        {"camera+label limit=1000", make([](EventQuery& q) { q.camera = QStringLiteral("cam3"); q.label = QStringLiteral("person"); q.limit = 1000; })},
    };
    std::printf("\n%-36s %10s %10s %6s   (read-only connection, %d reps)\n", "query", "median ms", "p99 ms", "rows", reps);
    bool withinBudget = true;
    for (const Case& c : cases) {
        const Timing tm = timeIt(reps, [&] { return int(reader->query(c.q).size()); });
        std::printf("%-36s %10.3f %10.3f %6d\n", c.name, tm.medianMs, tm.p99Ms, tm.rows);
        if (&c == &cases.first())
            withinBudget = tm.medianMs <= 20.0;
    }
    const QString someId = syntheticEvent(n / 2, t0).id;
    const Timing byId = timeIt(reps, [&] { return reader->event(someId) ? 1 : 0; });
    std::printf("%-36s %10.3f %10.3f %6d\n", "event(id)", byId.medianMs, byId.p99Ms, byId.rows);

    {
        EventStore store(options);
        store.open();
        QElapsedTimer t;
        t.start();
        const RetentionResult r = store.applyRetention(t0 + n * 10.0 + 86400);  // nothing old enough
        std::printf("\nretention pass (nothing to delete): %.1f ms, removed %d\n", double(t.nsecsElapsed()) / 1e6, r.removedEvents);
        t.restart();
        RetentionPolicy p;
        p.defaultDays = (n * 10.0 * 0.9) / 86400;  // the oldest ~10% go
        store.setRetention(p);
        const RetentionResult r2 = store.applyRetention(t0 + n * 10.0);
        std::printf("retention pass deleting %d events: %.1f ms\n", r2.removedEvents, double(t.nsecsElapsed()) / 1e6);
    }
    std::printf("\nbudget query(camera, label, limit 50) <= 20 ms: %s\n", withinBudget ? "OK" : "OVER");
    return withinBudget ? 0 : 2;
}
