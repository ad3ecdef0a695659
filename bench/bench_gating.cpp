// Motion-gated detection: what an idle camera costs, whether static cameras leave the detector to
// the one that moves, and how fast detection starts when something moves. Cameras are served by
// child processes (their CPU is not counted), except for the start-up latency run.
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <cstdio>
#include <memory>
#include <mutex>
#include <opencv2/imgproc.hpp>
#include <vector>

#include "bench_scene.h"
#include "bench_util.h"
#include "demo/esp32_camera_server.h"
#include "pipeline/camera.h"
#include "processing/jpeg_codec.h"
#include "processing/processing_scheduler.h"

using namespace vigil;
using namespace vigil::bench;

namespace {

CameraConfig cameraConfig(const QUrl& url, const QString& id, DetectMode mode, const QString& model)
{
    CameraConfig c;
    c.id = id;
    c.url = url;
    c.skipFrames = 1;
    c.maxFps = 10;
    c.detect = mode;
    c.detector.modelPath = model;
    return c;
}

struct Run {
    double seconds = 0, cpuPct = 0;
    std::vector<StatsSnapshot> before, after;
    double rate(size_t i, quint64 StatsSnapshot::*field) const
    {
        return (after[i].*field - before[i].*field) / seconds;
    }
};

// Runs the cameras for `seconds` after a warm-up, measuring CPU and stats deltas.
Run measure(const std::vector<Camera*>& cams, double seconds)
{
    runFor(4);  // connect, load the model, first heartbeat
    Run r;
    for (Camera* c : cams)
        r.before.push_back(c->stats());
    const double cpu0 = cpuSeconds();
    QElapsedTimer wall;
    wall.start();
    runFor(seconds);
    r.seconds = wall.nsecsElapsed() / 1e9;
    r.cpuPct = 100.0 * (cpuSeconds() - cpu0) / r.seconds;
    for (Camera* c : cams)
        r.after.push_back(c->stats());
    return r;
}

// Records when motion was first seen and when detections first came back.
class FirstDetection : public FrameSink {
public:
    void deliver(const ProcessedFramePtr& f) override
    {
        std::lock_guard lock(m_mutex);
        if (f->motion && motionReceivedNs == 0)
            motionReceivedNs = f->receivedNs;
        if (motionReceivedNs && !f->detections.isEmpty() && detectedNs == 0)
            detectedNs = f->processedNs;
    }
    qint64 motionReceivedNs = 0, detectedNs = 0;
    std::mutex m_mutex;
};

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    int served = 0;
    if (serveIfAsked(&served))
        return served;
    const QStringList args = app.arguments();
    const double seconds = argValue(args, "--seconds", args.contains("--quick") ? 15 : 60);
    const QString model = sharedDir("VIGIL_MODELS_DIR", "models") + "/yolox_nano_coco80_416_fp32.onnx";
    const Scene scene;
    if (!scene.ok() || !QFile::exists(model)) {
        std::fprintf(stderr, "needs the shared model and photos (VIGIL_MODELS_DIR, VIGIL_TESTDATA_DIR)\n");
        return 1;
    }
    QTemporaryDir tmp;
    const QString staticDir = tmp.filePath("static"), walkingDir = tmp.filePath("walking");
    if (!writeFrames(staticLoop(scene), staticDir) || !writeFrames(walkingLoop(scene), walkingDir))
        return 1;
    QProcess staticServer, walkingServer;
    const QUrl staticUrl = startServerProcess(staticServer, {"--frames", staticDir});
    const QUrl walkingUrl = startServerProcess(walkingServer, {"--frames", walkingDir});
    if (staticUrl.isEmpty() || walkingUrl.isEmpty()) {
        std::fprintf(stderr, "camera servers did not start\n");
        return 1;
    }
    std::printf("Motion-gated detection (30 FPS 640x480 cameras, skip 1 / fps 10, YOLOX-Nano 416, %.0f s runs)\n\n",
                seconds);

    // 1. An idle camera: read + motion analysis only.
    {
        ProcessingScheduler inference, light(0, ProcessingScheduler::Kind::Light);
        Camera cam(cameraConfig(staticUrl, "idle", DetectMode::Motion, model), &inference, &light);
        cam.start();
        const Run r = measure({&cam}, seconds / 2);
        const StatsSnapshot& s = r.after[0];
        std::printf("static camera, no viewer: CPU %.2f%% of one core (target <= 4%%); read %.1f FPS; "
                    "motion %.3f ms/frame; inferences %llu in %.0f s; gated %llu\n\n",
                    r.cpuPct, r.rate(0, &StatsSnapshot::read), s.motionMs,
                    (unsigned long long)(s.inferences - r.before[0].inferences), r.seconds,
                    (unsigned long long)(s.gatedNoMotion - r.before[0].gatedNoMotion));
    }

    // 2. The moving camera alone, then with 7 static ones (motion mode), then all 8 with "always".
    double soloInferFps = 0, soloCpu = 0, soloInferMs = 0;
    {
        ProcessingScheduler inference, light(0, ProcessingScheduler::Kind::Light);
        Camera cam(cameraConfig(walkingUrl, "walk", DetectMode::Motion, model), &inference, &light);
        cam.start();
        const Run r = measure({&cam}, seconds);
        soloInferFps = r.rate(0, &StatsSnapshot::inferences);
        soloCpu = r.cpuPct;
        soloInferMs = r.after[0].inferMs;
        std::printf("moving camera alone: %.2f inferences/s, out %.1f FPS, infer %.1f ms, latency p99 %.1f ms, "
                    "CPU %.1f%%\n", soloInferFps, r.rate(0, &StatsSnapshot::processed), soloInferMs,
                    r.after[0].latencyP99Ms, soloCpu);
    }
    for (DetectMode mode : {DetectMode::Motion, DetectMode::Always}) {
        ProcessingScheduler inference, light(0, ProcessingScheduler::Kind::Light);
        std::vector<std::unique_ptr<Camera>> owned;
        std::vector<Camera*> cams;
        owned.push_back(std::make_unique<Camera>(cameraConfig(walkingUrl, "walk", mode, model), &inference, &light));
        for (int i = 1; i < 8; ++i)
            owned.push_back(std::make_unique<Camera>(
                cameraConfig(staticUrl, QStringLiteral("static%1").arg(i), mode, model), &inference, &light));
        for (auto& c : owned) {
            c->start();
            cams.push_back(c.get());
        }
        const Run r = measure(cams, seconds);
        double minRead = 1e9, maxStaticInfer = 0;
        for (size_t i = 0; i < cams.size(); ++i) {
            minRead = std::min(minRead, r.rate(i, &StatsSnapshot::read));
            if (i > 0)
                maxStaticInfer = std::max(maxStaticInfer, double(r.after[i].inferences - r.before[i].inferences));
        }
        const double movingInferFps = r.rate(0, &StatsSnapshot::inferences);
        std::printf("\n8 cameras, --detect %s (1 moving, 7 static):\n", qPrintable(detectModeName(mode)));
        std::printf("  moving camera: %.2f inferences/s = %.0f%% of alone (target >= 90%%), latency p99 %.1f ms "
                    "(target <= infer %.0f + 100 + 15 ms)\n", movingInferFps, 100.0 * movingInferFps / soloInferFps,
                    r.after[0].latencyP99Ms, r.after[0].inferMs);
        std::printf("  static cameras: at most %.0f inferences each in %.0f s (heartbeat 30 s: target <= %.0f)\n",
                    maxStaticInfer, r.seconds, std::ceil(r.seconds / 30.0) + 1);
        std::printf("  CPU %.1f%% of one core (target <= alone %.1f + 7 x 4 = %.1f); slowest reader %.1f FPS\n",
                    r.cpuPct, soloCpu, soloCpu + 28, minRead);
    }

    // 3. From the first frame with motion to the first result with detections (in-process camera).
    {
        Esp32CameraServer server;
        cv::RNG rng(3);
        server.setFrames({scene.frame(-1, 0, 0, rng)});
        if (!server.listen())
            return 1;
        ProcessingScheduler inference, light(0, ProcessingScheduler::Kind::Light);
        CameraConfig c = cameraConfig(server.url(), "door", DetectMode::Motion, model);
        std::vector<double> delays;
        for (int attempt = 0; attempt < 5; ++attempt) {
            server.setFrames({scene.frame(-1, 0, 0, rng)});
            Camera cam(c, &inference, &light);
            FirstDetection sink;
            cam.addSink(&sink);
            cam.start();
            runFor(3);  // the first heartbeat has run; the yard is empty
            server.setFrames(walkingLoop(scene));
            runFor(2);
            cam.removeSink(&sink);
            if (sink.detectedNs)
                delays.push_back((sink.detectedNs - sink.motionReceivedNs) / 1e6);
        }
        std::printf("\nfirst motion -> first detections: median %.0f ms, max %.0f ms over %zu runs "
                    "(target <= gate interval 100 ms + one inference %.0f ms)\n",
                    percentile(delays, 0.5), percentile(delays, 1.0), delays.size(), soloInferMs);
    }
    staticServer.kill();
    walkingServer.kill();
    staticServer.waitForFinished();
    walkingServer.waitForFinished();
    return 0;
}
