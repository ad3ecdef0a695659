#include "bench_util.h"

#include <QCoreApplication>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QTimer>
#include <algorithm>
#include <cstdio>
#include <sys/resource.h>

#include "demo/esp32_camera_server.h"

namespace vigil::bench {

double cpuSeconds()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

namespace {
// A numeric field of /proc/self/status ("VmRSS:", "Threads:"); 0 when unavailable.
double procStatus(const char* key)
{
    QFile f("/proc/self/status");
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray& line : f.readAll().split('\n'))
        if (line.startsWith(key))
            return line.mid(qsizetype(qstrlen(key))).trimmed().split(' ').first().toDouble();
    return 0;
}
} // namespace

double rssMiB() { return procStatus("VmRSS:") / 1024.0; }

int threadCount() { return int(procStatus("Threads:")); }

int openFileCount() { return int(QDir("/proc/self/fd").entryList(QDir::NoDotAndDotDot | QDir::AllEntries).size()); }

double percentile(std::vector<double> values, double q)
{
    if (values.empty())
        return 0;
    const size_t k = std::min(values.size() - 1, size_t(q * double(values.size() - 1) + 0.5));
    std::nth_element(values.begin(), values.begin() + qsizetype(k), values.end());
    return values[k];
}

double argValue(const QStringList& args, const char* name, double fallback)
{
    const qsizetype i = args.indexOf(QLatin1String(name));
    return i >= 0 && i + 1 < args.size() ? args.value(i + 1).toDouble() : fallback;
}

void LatencyRecorder::deliver(const ProcessedFramePtr& f)
{
    std::lock_guard lock(m_mutex);
    m_samples.push_back({(f->processedNs - f->receivedNs) / 1e6, f->decodeMs, f->inferMs});
}

std::vector<LatencyRecorder::Sample> LatencyRecorder::take()
{
    std::lock_guard lock(m_mutex);
    return std::exchange(m_samples, {});
}

void runFor(double seconds)
{
    QEventLoop loop;
    QTimer::singleShot(int(seconds * 1000), &loop, &QEventLoop::quit);
    loop.exec();
}

QString sharedDir(const char* env, const char* sub)
{
    const QString fromEnv = qEnvironmentVariable(env);
    return !fromEnv.isEmpty() ? fromEnv : QDir::cleanPath(QStringLiteral(VIGIL_SOURCE_DIR "/../shared/") + sub);
}

QUrl startServerProcess(QProcess& process, const QStringList& extraArgs)
{
    process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    process.start(QCoreApplication::applicationFilePath(), QStringList{"--serve"} + extraArgs);
    if (!process.waitForReadyRead(15000))
        return {};
    return QUrl(QStringLiteral("http://127.0.0.1:%1/stream").arg(process.readLine().trimmed().toInt()));
}

bool serveIfAsked(int* exitCode)
{
    const QStringList args = QCoreApplication::arguments();
    if (!args.contains("--serve"))
        return false;
    Esp32CameraServer::Options o;  // 30 FPS, 640x480, ESP32 format
    o.quality = 87;          // ~30 KB frames, like an ESP32-CAM at VGA
    Esp32CameraServer server(o);
    const int framesArg = int(args.indexOf("--frames"));
    if (framesArg > 0) {
        QList<QByteArray> frames;
        const QDir dir(args.value(framesArg + 1));
        for (const QString& name : dir.entryList({"*.jpg"}, QDir::Files, QDir::Name)) {
            QFile f(dir.filePath(name));
            if (f.open(QIODevice::ReadOnly))
                frames << f.readAll();
        }
        if (!frames.isEmpty())
            server.setFrames(frames);
    }
    *exitCode = 1;
    // --port P: the same address again after a restart (the soak bench restarts its cameras).
    const quint16 port = args.contains("--port") ? quint16(args.value(args.indexOf("--port") + 1).toUInt()) : 0;
    if (server.listen(QHostAddress::LocalHost, port)) {
        std::printf("%d\n", server.port());
        std::fflush(stdout);
        *exitCode = QCoreApplication::exec();
    }
    return true;
}

} // namespace vigil::bench
