// Events cost: 4 cameras at 30 FPS (a person crosses the yard every 20 s, YOLOX-Nano, motion mode)
// with events and clips off, then on, in the same run: output FPS, latency p99 and memory per
// camera; then (--minutes M) a long run with events on, printing memory every minute.
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <cstdio>
#include <memory>
#include <vector>

#include "bench_scene.h"
#include "bench_util.h"
#include "events/event_service.h"
#include "events/event_store.h"
#include "pipeline/camera.h"
#include "processing/processing_scheduler.h"

using namespace vigil;
using namespace vigil::bench;

namespace {
struct Phase {
    double outFps = 0, worstP99 = 0, rssMiB = 0, cpuPct = 0;
};

// A camera that makes events for people: every frame a candidate, at most 10 FPS, motion mode.
std::unique_ptr<Camera> startCamera(const QUrl& url, const QString& id, const QString& model,
                                    ProcessingScheduler& inference, ProcessingScheduler& light)
{
    CameraConfig c;
    c.id = id;
    c.url = url;
    c.skipFrames = 1;
    c.maxFps = 10;
    c.detector.modelPath = model;
    c.events.labels = {"person"};
    auto cam = std::make_unique<Camera>(c, &inference, &light);
    cam->start();
    return cam;
}

Phase runPhase(const QUrl& url, const QString& model, EventService* events, double seconds, int cameras)
{
    ProcessingScheduler inference, light(0, ProcessingScheduler::Kind::Light);
    std::vector<std::unique_ptr<Camera>> cams;
    const double rss0 = rssMiB();
    for (int i = 0; i < cameras; ++i) {
        cams.push_back(startCamera(url, QStringLiteral("cam%1").arg(i + 1), model, inference, light));
        if (events)
            events->addCamera(cams.back().get());
    }
    runFor(5);
    std::vector<StatsSnapshot> before;
    for (auto& c : cams)
        before.push_back(c->stats());
    const double cpu0 = cpuSeconds();
    QElapsedTimer wall;
    wall.start();
    runFor(seconds);
    Phase p;
    const double elapsed = wall.nsecsElapsed() / 1e9;
    p.cpuPct = 100 * (cpuSeconds() - cpu0) / elapsed;
    for (size_t i = 0; i < cams.size(); ++i) {
        const StatsSnapshot s = cams[i]->stats();
        p.outFps += (s.processed - before[i].processed) / elapsed / cams.size();
        p.worstP99 = std::max(p.worstP99, s.latencyP99Ms);
    }
    p.rssMiB = (rssMiB() - rss0) / cameras;
    if (events)
        for (auto& c : cams)
            events->removeCamera(c.get());
    return p;
}
} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    int served = 0;
    if (serveIfAsked(&served))
        return served;
    const QStringList args = app.arguments();
    const double seconds = argValue(args, "--seconds", 60);
    const double minutes = argValue(args, "--minutes", 0);
    const QString model = sharedDir("VIGIL_MODELS_DIR", "models") + "/yolox_nano_coco80_416_fp32.onnx";
    const Scene scene;
    if (!scene.ok() || !QFile::exists(model)) {
        std::fprintf(stderr, "needs the shared model and photos (VIGIL_MODELS_DIR, VIGIL_TESTDATA_DIR)\n");
        return 1;
    }
    QTemporaryDir tmp;
    if (!writeFrames(visitLoop(scene, 20), tmp.filePath("frames")))
        return 1;
    QProcess server;
    const QUrl url = startServerProcess(server, {"--frames", tmp.filePath("frames")});
    if (url.isEmpty())
        return 1;
    std::printf("Events cost (4 cameras, 30 FPS 640x480, a person crosses every 20 s, skip 1 / fps 10, "
                "YOLOX-Nano, motion mode, %.0f s per phase)\n\n", seconds);

    const Phase off = runPhase(url, model, nullptr, seconds, 4);
    EventService::Options o;
    o.settings.folder = tmp.filePath("events");
    EventService events(o);
    QString error;
    if (!events.start(&error)) {
        std::fprintf(stderr, "events did not start: %s\n", qPrintable(error));
        return 1;
    }
    const Phase on = runPhase(url, model, &events, seconds, 4);
    std::printf("events off: out %.2f FPS per camera, worst latency p99 %.1f ms, CPU %.1f%%, +%.1f MiB per camera\n",
                off.outFps, off.worstP99, off.cpuPct, off.rssMiB);
    std::printf("events on:  out %.2f FPS per camera (%+.1f%%; target within 5%%), worst latency p99 %.1f ms "
                "(%+.1f ms; target within 5%% or 5 ms), CPU %.1f%%, +%.1f MiB per camera\n",
                on.outFps, 100 * (on.outFps - off.outFps) / std::max(0.01, off.outFps), on.worstP99,
                on.worstP99 - off.worstP99, on.cpuPct, on.rssMiB);
    const double preRollMiB = 5 * 30 * 40.0 / 1024;  // 5 s of ~40 KB frames at 30 FPS
    std::printf("  memory target per camera: 10 MiB + 1.2 x pre-roll %.1f MiB = %.1f MiB\n", preRollMiB,
                10 + 1.2 * preRollMiB);

    if (minutes > 0) {
        std::printf("\nlong run, events on, %.0f min (memory each minute):\n", minutes);
        ProcessingScheduler inference, light(0, ProcessingScheduler::Kind::Light);
        std::vector<std::unique_ptr<Camera>> cams;
        for (int i = 0; i < 4; ++i) {
            cams.push_back(startCamera(url, QStringLiteral("long%1").arg(i + 1), model, inference, light));
            events.addCamera(cams.back().get());
        }
        for (int m = 0; m < int(minutes); ++m) {
            runFor(60);
            quint64 total = 0;
            for (auto& c : cams)
                total += events.counts(c->id()).events;
            std::printf("  %2d min: RSS %.1f MiB, events %llu, dropped observations %llu\n", m + 1, rssMiB(),
                        (unsigned long long)total, (unsigned long long)events.droppedObservations());
            std::fflush(stdout);
        }
        for (auto& c : cams)
            events.removeCamera(c.get());
    }
    events.stop();
    {
        const std::unique_ptr<EventStore> store = EventStore::openReadOnly(o.settings.folder);
        EventQuery q;
        q.limit = 1000;
        const QList<Event> stored = store->query(q);
        int clips = 0;
        for (const Event& e : stored)
            clips += e.hasClip;
        std::printf("\nstored: %lld events, %d with clips\n", (long long)stored.size(), clips);
    }
    server.kill();
    server.waitForFinished();
    return 0;
}
