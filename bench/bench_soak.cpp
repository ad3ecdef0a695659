// Long-run stability: N cameras with detection for --minutes M while the camera server is killed
// and restarted every --restart-every S seconds and rebroadcast viewers (WebSocket and MJPEG) come
// and go. Prints a line per --sample S (memory, threads, open files, CPU, output rate, latency),
// then the trends that matter for a process that runs for weeks: memory slope, leaked threads or
// file descriptors, latency drift, and whether every restart was followed by a reconnect.
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>
#include <QTcpServer>
#include <QTimer>
#include <QWebSocket>
#include <algorithm>
#include <cstdio>
#include <malloc.h>
#include <memory>
#include <mutex>
#include <vector>

#include "bench_util.h"
#include "pipeline/camera.h"
#include "processing/frame_sink.h"
#include "processing/processing_scheduler.h"
#include "rebroadcast/rebroadcast_server.h"

using namespace vigil;
using namespace vigil::bench;

namespace {

double median(std::vector<double> v) { return percentile(std::move(v), 0.5); }

// Bytes the program holds from malloc (RSS also moves with what the allocator keeps cached).
double heapInUseMiB()
{
    const struct mallinfo2 mi = mallinfo2();
    return double(mi.uordblks + mi.hblkhd) / (1024.0 * 1024.0);
}

// Least-squares slope of y over x.
double slope(const std::vector<double>& x, const std::vector<double>& y)
{
    const size_t n = x.size();
    if (n < 2)
        return 0;
    double mx = 0, my = 0;
    for (size_t i = 0; i < n; ++i) {
        mx += x[i];
        my += y[i];
    }
    mx /= n;
    my /= n;
    double num = 0, den = 0;
    for (size_t i = 0; i < n; ++i) {
        num += (x[i] - mx) * (y[i] - my);
        den += (x[i] - mx) * (x[i] - mx);
    }
    return den > 0 ? num / den : 0;
}

struct Sample {
    double tS, rssMiB, heapMiB, cpuPct, outFps, p99Ms;
    int threads, files;
};

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    int served = 0;
    if (serveIfAsked(&served))
        return served;
    const QStringList args = app.arguments();
    const double minutes = argValue(args, "--minutes", 10);
    const int cameras = int(argValue(args, "--cameras", 4));
    const double restartEvery = argValue(args, "--restart-every", 60);
    const double sampleEvery = argValue(args, "--sample", 10);
    const double viewerEvery = argValue(args, "--viewer-every", 5);
    const QString models = sharedDir("VIGIL_MODELS_DIR", "models");
    QString model = models + "/yolox_nano_coco80_416_fp32.onnx";
    if (args.contains("--no-detect") || !QFile::exists(model))
        model.clear();

    // A fixed port, so restarted servers are the same cameras.
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost);
    const QString port = QString::number(probe.serverPort());
    probe.close();
    const QStringList serverArgs{"--frames", sharedDir("VIGIL_TESTDATA_DIR", "testdata"), "--port", port};
    QProcess server;
    const QUrl url = startServerProcess(server, serverArgs);
    if (url.isEmpty()) {
        std::fprintf(stderr, "camera server did not start\n");
        return 1;
    }

    ProcessingScheduler scheduler(0);
    std::vector<std::unique_ptr<Camera>> cams;
    std::vector<std::unique_ptr<LatencyRecorder>> recorders;
    RebroadcastServer rebroadcast;
    QString error;
    if (!rebroadcast.start(RebroadcastOptions{}, &error)) {
        std::fprintf(stderr, "rebroadcast: %s\n", qPrintable(error));
        return 1;
    }
    for (int i = 0; i < cameras; ++i) {
        CameraConfig c;
        c.id = QStringLiteral("cam%1").arg(i + 1);
        c.url = url;
        c.skipFrames = 2;
        c.maxFps = 10;
        c.detect = model.isEmpty() ? vigil::DetectMode::Off : vigil::DetectMode::Always;
        c.detector.modelPath = model;
        c.backoffMaxMs = 2000;  // come back quickly after each planned restart
        cams.push_back(std::make_unique<Camera>(c, &scheduler));
        recorders.push_back(std::make_unique<LatencyRecorder>());
        cams.back()->addSink(recorders.back().get());
        rebroadcast.addCamera(cams.back().get());
        cams.back()->start();
    }
    std::printf("Soak: %d cameras (30 FPS test photos, skip 2, fps 10), detector %s, %d workers, %.1f min;\n"
                "camera server killed and restarted every %.0f s; a WebSocket and an MJPEG viewer connect and "
                "leave every %.0f s.\n\n",
                cameras, model.isEmpty() ? "off" : qPrintable(QFileInfo(model).fileName()), scheduler.workerCount(),
                minutes, restartEvery, viewerEvery);
    std::fflush(stdout);

    // Planned outages.
    int restarts = 0;
    QTimer restartTimer;
    QObject::connect(&restartTimer, &QTimer::timeout, [&] {
        server.kill();
        server.waitForFinished();
        QTimer::singleShot(1500, [&] {
            if (startServerProcess(server, serverArgs).isEmpty())
                std::fprintf(stderr, "camera server did not restart\n");
            ++restarts;
        });
    });
    restartTimer.start(int(restartEvery * 1000));

    // Viewers that come and go: one WebSocket (binary, all cameras) and one MJPEG restream.
    QNetworkAccessManager nam;
    quint64 wsMessages = 0, mjpegBytes = 0;
    std::unique_ptr<QWebSocket> ws;
    QPointer<QNetworkReply> mjpeg;
    const QString base = QStringLiteral("127.0.0.1:%1").arg(rebroadcast.port());
    QTimer viewerTimer;
    bool viewing = false;
    QObject::connect(&viewerTimer, &QTimer::timeout, [&] {
        viewing = !viewing;
        if (viewing) {
            ws = std::make_unique<QWebSocket>();
            QObject::connect(ws.get(), &QWebSocket::binaryMessageReceived, [&](const QByteArray&) { ++wsMessages; });
            ws->open(QUrl(QStringLiteral("ws://%1/ws?format=binary").arg(base)));
            mjpeg = nam.get(QNetworkRequest(QUrl(QStringLiteral("http://%1/cameras/cam1/stream.mjpeg").arg(base))));
            QObject::connect(mjpeg, &QNetworkReply::readyRead, [&] { mjpegBytes += mjpeg->readAll().size(); });
        } else {
            ws->close();
            ws.release()->deleteLater();
            if (mjpeg) {
                mjpeg->abort();
                mjpeg->deleteLater();
            }
        }
    });
    viewerTimer.start(int(viewerEvery * 1000));

    std::vector<Sample> samples;
    QElapsedTimer wall;
    wall.start();
    double lastCpu = cpuSeconds(), lastT = 0;
    std::vector<quint64> lastProcessed(cams.size(), 0);
    const int total = int(minutes * 60 / sampleEvery);
    std::printf("%7s %9s %9s %8s %6s %6s %10s %9s %11s %10s\n", "t (s)", "RSS MiB", "heap MiB", "threads", "files", "CPU %",
                "out FPS/cam", "p99 ms", "reconnects", "viewer frames");
    for (int i = 0; i < total; ++i) {
        runFor(sampleEvery);
        const double t = wall.nsecsElapsed() / 1e9;
        const double cpu = cpuSeconds();
        std::vector<double> latency;
        double out = 0;
        quint64 reconnects = 0;
        for (size_t k = 0; k < cams.size(); ++k) {
            const StatsSnapshot s = cams[k]->stats();
            out += double(s.processed - lastProcessed[k]) / (t - lastT);
            lastProcessed[k] = s.processed;
            reconnects += s.reconnects;
            for (const LatencyRecorder::Sample& m : recorders[k]->take())
                latency.push_back(m.latencyMs);
        }
        Sample s{t, rssMiB(), heapInUseMiB(), 100 * (cpu - lastCpu) / (t - lastT), out / double(cams.size()), percentile(latency, 0.99),
                 threadCount(), openFileCount()};
        samples.push_back(s);
        lastCpu = cpu;
        lastT = t;
        std::printf("%7.0f %9.1f %9.1f %8d %6d %6.0f %10.2f %9.0f %11llu %10llu\n", s.tS, s.rssMiB, s.heapMiB, s.threads, s.files,
                    s.cpuPct, s.outFps, s.p99Ms, (unsigned long long)reconnects,
                    (unsigned long long)(wsMessages + mjpegBytes / 1024));
        std::fflush(stdout);
    }
    restartTimer.stop();
    viewerTimer.stop();

    // Trends over the part after the warm-up (models loaded, allocator settled): the second half.
    const size_t half = samples.size() / 2;
    std::vector<double> x, rss, heap, p99First, p99Last;
    for (size_t i = half; i < samples.size(); ++i) {
        x.push_back(samples[i].tS / 3600.0);
        rss.push_back(samples[i].rssMiB);
        heap.push_back(samples[i].heapMiB);
    }
    const size_t quarter = std::max<size_t>(1, samples.size() / 4);
    for (size_t i = 1; i < samples.size(); ++i) {  // the first sample includes the warm-up
        if (i <= quarter)
            p99First.push_back(samples[i].p99Ms);
        if (i >= samples.size() - quarter)
            p99Last.push_back(samples[i].p99Ms);
    }
    const Sample& mid = samples[half];
    const Sample& last = samples.back();
    quint64 reconnects = 0;
    int live = 0;
    for (auto& c : cams) {
        reconnects += c->stats().reconnects;
        live += c->state() == CameraState::Live;
    }
    std::printf("\nmemory: %.1f MiB at %.0f s, %.1f MiB at the end (max %.1f); slope over the second half %+.2f MiB/hour\n",
                mid.rssMiB, mid.tS, last.rssMiB,
                std::max_element(samples.begin(), samples.end(), [](auto& a, auto& b) { return a.rssMiB < b.rssMiB; })->rssMiB,
                slope(x, rss));
    std::printf("heap in use: %.1f MiB at %.0f s, %.1f MiB at the end; slope over the second half %+.2f MiB/hour\n",
                mid.heapMiB, mid.tS, last.heapMiB, slope(x, heap));
    std::printf("threads: %d -> %d, open files: %d -> %d (from %.0f s to the end)\n", mid.threads, last.threads,
                mid.files, last.files, mid.tS);
    std::printf("latency p99: median %.0f ms in the first quarter, %.0f ms in the last\n", median(p99First),
                median(p99Last));
    std::printf("outages: %d server restarts, %llu reconnect attempts; %d of %d cameras live at the end\n",
                restarts, (unsigned long long)reconnects, live, cameras);
    // Sinks go before the cameras that feed them.
    for (size_t k = 0; k < cams.size(); ++k) {
        cams[k]->removeSink(recorders[k].get());
        rebroadcast.removeCamera(cams[k].get());
    }
    cams.clear();
    server.kill();
    server.waitForFinished();
    return 0;
}
