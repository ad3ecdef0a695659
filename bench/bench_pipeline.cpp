// Pipeline cost without a detector: CPU and memory per camera, read rate with 16 cameras, and
// latency (last byte received -> result delivered). The cameras are served by a child process
// so that only Vigil's own work is measured.
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QProcess>
#include <QTimer>
#include <cstdio>
#include <memory>
#include <vector>

#include "bench_util.h"
#include "pipeline/camera.h"
#include "processing/processing_scheduler.h"

using namespace vigil;

using namespace vigil::bench;

namespace {
CameraConfig cameraConfig(const QUrl& url, int i)
{
    CameraConfig c;
    c.id = QStringLiteral("cam%1").arg(i);
    c.url = url;
    c.skipFrames = 2;
    c.maxFps = 10;
    c.detect = vigil::DetectMode::Off;
    return c;
}
} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    int served = 0;
    if (serveIfAsked(&served))
        return served;
    const double seconds = app.arguments().contains("--quick") ? 5 : 30;

    QProcess server;
    const QUrl url = startServerProcess(server);
    if (url.isEmpty()) {
        std::fprintf(stderr, "camera server did not start\n");
        return 1;
    }

    ProcessingScheduler scheduler;
    std::printf("Vigil pipeline benchmark (no detector; camera: 30 FPS 640x480 ESP32 format; skip 2, fps 10)\n");
    std::printf("workers: %d\n\n", scheduler.workerCount());

    // 1 camera: CPU, memory, latency.
    {
        const double rss0 = rssMiB();
        auto cam = std::make_unique<Camera>(cameraConfig(url, 1), &scheduler);
        cam->start();
        runFor(3);  // connect and warm up
        const double cpu0 = cpuSeconds();
        QElapsedTimer wall;
        wall.start();
        const StatsSnapshot s0 = cam->stats();
        runFor(seconds);
        const double cpu = cpuSeconds() - cpu0;
        const double elapsed = wall.nsecsElapsed() / 1e9;
        const StatsSnapshot s = cam->stats();
        const double frameKiB = double(s.bytesRead) / std::max<quint64>(1, s.read) / 1024.0;
        std::printf("1 camera, %.0f s: read %.1f FPS, out %.1f FPS (processed %llu), frame %.1f KiB\n",
                    elapsed, (s.read - s0.read) / elapsed, (s.processed - s0.processed) / elapsed,
                    (unsigned long long)(s.processed - s0.processed), frameKiB);
        std::printf("  CPU: %.2f%% of one core (target <= 3%%)\n", 100.0 * cpu / elapsed);
        std::printf("  decode %.2f ms; latency p50 %.2f ms, p99 %.2f ms (target p99 <= 20 ms)\n", s.decodeMs,
                    s.latencyP50Ms, s.latencyP99Ms);
        std::printf("  memory added: %.1f MiB (target <= 10 MiB)\n\n", rssMiB() - rss0);
    }

    // 16 cameras: every reader keeps 30 FPS.
    {
        const double rss0 = rssMiB();
        std::vector<std::unique_ptr<Camera>> cams;
        for (int i = 0; i < 16; ++i) {
            cams.push_back(std::make_unique<Camera>(cameraConfig(url, i + 1), &scheduler));
            cams.back()->start();
        }
        runFor(3);
        std::vector<StatsSnapshot> before;
        for (auto& c : cams)
            before.push_back(c->stats());
        const double cpu0 = cpuSeconds();
        QElapsedTimer wall;
        wall.start();
        runFor(seconds / 2);
        const double elapsed = wall.nsecsElapsed() / 1e9;
        const double cpu = cpuSeconds() - cpu0;
        double minRead = 1e9, maxRead = 0, minOut = 1e9, worstP99 = 0;
        for (size_t i = 0; i < cams.size(); ++i) {
            const StatsSnapshot s = cams[i]->stats();
            const double r = (s.read - before[i].read) / elapsed;
            const double o = (s.processed - before[i].processed) / elapsed;
            minRead = std::min(minRead, r);
            maxRead = std::max(maxRead, r);
            minOut = std::min(minOut, o);
            worstP99 = std::max(worstP99, s.latencyP99Ms);
        }
        std::printf("16 cameras, %.0f s: read FPS per camera min %.1f / max %.1f (target 30), out FPS min %.1f\n",
                    elapsed, minRead, maxRead, minOut);
        std::printf("  CPU: %.1f%% of one core in all (%.2f%% per camera); worst latency p99 %.2f ms\n",
                    100.0 * cpu / elapsed, 100.0 * cpu / elapsed / 16, worstP99);
        std::printf("  memory added: %.1f MiB (%.2f MiB per camera)\n", rssMiB() - rss0, (rssMiB() - rss0) / 16);
    }
    server.kill();
    server.waitForFinished();
    return 0;
}
