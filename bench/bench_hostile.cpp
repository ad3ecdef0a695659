// Each hostile-camera case (tests/hostile_camera_server.h) against one Camera, beside a normal
// camera: peak RSS over the start, CPU seconds (whole process, and the hostile reader thread
// alone), time until the camera shows its clear reason, and the normal camera's read rate.
//   bench_hostile [--seconds S]   (per case, default 4)
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QTimer>
#include <cstdio>
#include <unistd.h>

#include "bench_util.h"
#include "demo/esp32_camera_server.h"
#include "hostile_camera_server.h"
#include "pipeline/camera.h"
#include "processing/processing_scheduler.h"

using namespace vigil;
using test::HostileCameraServer;

namespace {
// CPU seconds of this process's threads named `name` (Linux names: first 15 characters).
double threadCpuSeconds(const QByteArray& name)
{
    double total = 0;
    const long ticks = sysconf(_SC_CLK_TCK);
    for (const QString& tid : QDir("/proc/self/task").entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        QFile comm("/proc/self/task/" + tid + "/comm");
        if (!comm.open(QIODevice::ReadOnly) || comm.readAll().trimmed() != name.left(15))
            continue;
        QFile stat("/proc/self/task/" + tid + "/stat");
        if (!stat.open(QIODevice::ReadOnly))
            continue;
        const QByteArray s = stat.readAll();
        const QList<QByteArray> f = s.mid(s.lastIndexOf(')') + 2).split(' ');
        total += (f.value(11).toDouble() + f.value(12).toDouble()) / ticks;  // utime, stime
    }
    return total;
}

CameraConfig configFor(const QString& id, const QUrl& url)
{
    return test::quickCameraConfig(id, url);
}
} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const double seconds = bench::argValue(app.arguments(), "--seconds", 4);
    ProcessingScheduler scheduler(2);
    Esp32CameraServer::Options o;
    o.size = QSize(320, 240);
    o.loopFrames = 10;
    Esp32CameraServer normalServer(o);
    if (!normalServer.listen())
        return 1;
    Camera normal(configFor("normal", normalServer.url()), &scheduler);
    normal.start();
    bench::runFor(1.0);

    std::printf("%-22s %10s %10s %9s %9s %9s %9s  %s\n", "case", "RSS MiB", "peak +MiB", "CPU s", "reader s",
                "clear ms", "normal/s", "reason");
    for (const auto c : HostileCameraServer::allCases()) {
        HostileCameraServer server(c);
        server.listen();
        const double baseMiB = bench::rssMiB();
        double peakMiB = baseMiB;
        QTimer sampler;
        QObject::connect(&sampler, &QTimer::timeout, [&] { peakMiB = std::max(peakMiB, bench::rssMiB()); });
        sampler.start(20);
        const double cpu0 = bench::cpuSeconds();
        const quint64 normalRead0 = normal.stats().read;
        QElapsedTimer clock;
        clock.start();
        qint64 clearMs = -1;
        QString reason;
        {
            Camera hostile(configFor("hostile", server.url()), &scheduler);
            const QRegularExpression expected = HostileCameraServer::expectedReason(c);
            QTimer watch;
            QObject::connect(&watch, &QTimer::timeout, [&] {
                if (clearMs < 0 && expected.match(hostile.stateReason()).hasMatch()) {
                    clearMs = clock.elapsed();
                    reason = hostile.stateReason();
                }
            });
            watch.start(5);
            hostile.start();
            bench::runFor(seconds);
            if (reason.isEmpty())
                reason = "NOT CLEAR: " + hostile.stateReason();
            const double readerCpu = threadCpuSeconds("reader-hostile");
            hostile.stop();
            const double cpu = bench::cpuSeconds() - cpu0;
            const double normalFps = (normal.stats().read - normalRead0) / (clock.elapsed() / 1000.0);
            peakMiB = std::max(peakMiB, bench::rssMiB());
            std::printf("%-22s %10.1f %10.1f %9.2f %9.2f %9lld %9.1f  %s\n", HostileCameraServer::name(c), baseMiB,
                        peakMiB - baseMiB, cpu, readerCpu, clearMs, normalFps, qPrintable(reason.left(90)));
            std::fflush(stdout);
        }
    }
    std::printf("(CPU s: the whole process over the case, including the in-process hostile server;\n"
                " reader s: the hostile camera's reader thread alone; %.0f s per case)\n", seconds);
    return 0;
}
