// source.mjpeg benchmark: one 30 FPS 640x480 camera (the in-process ESP32 demo server, own
// thread; detection off) fanned out to 10 viewers of /cameras/<id>/source.mjpeg. Prints every
// viewer's FPS against the camera's read FPS, camera-to-viewer latency (the camera's X-Timestamp
// to receipt, wall clock, ms resolution), and the CPU a viewer adds: process CPU with 0 vs 10
// viewers, also without the viewers' own thread (what Vigil itself spends).
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QTcpSocket>
#include <QThread>
#include <algorithm>
#include <cstdio>
#include <memory>
#include <unistd.h>
#include <vector>

#include "bench_util.h"
#include "demo/demo_camera.h"
#include "pipeline/camera.h"
#include "processing/processing_scheduler.h"
#include "rebroadcast/rebroadcast_server.h"

using namespace vigil;
using namespace vigil::bench;

namespace {

// CPU seconds of this process's thread named `name` (/proc/self/task/*/comm); 0 if none.
double namedThreadCpuSeconds(const QByteArray& name)
{
    QDir tasks("/proc/self/task");
    double sum = 0;
    for (const QString& tid : tasks.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        QFile comm(tasks.filePath(tid + "/comm"));
        if (!comm.open(QIODevice::ReadOnly) || comm.readAll().trimmed() != name)
            continue;
        QFile stat(tasks.filePath(tid + "/stat"));
        if (!stat.open(QIODevice::ReadOnly))
            continue;
        const QByteArray line = stat.readAll();
        // After the ")" that ends the command name: utime is field 14, stime 15.
        const QList<QByteArray> f = line.mid(line.lastIndexOf(')') + 2).split(' ');
        sum += (f.value(11).toDouble() + f.value(12).toDouble()) / double(sysconf(_SC_CLK_TCK));
    }
    return sum;
}

// One viewer: counts parts by their Content-Length (no copy of the JPEG kept).
class Viewer : public QObject {
public:
    Viewer(quint16 port, const QByteArray& path)
    {
        connect(&m_socket, &QTcpSocket::readyRead, this, &Viewer::onReadyRead);
        m_socket.connectToHost(QHostAddress::LocalHost, port);
        m_socket.write("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    }
    int frames = 0;
    std::vector<double> latencyMs;

private:
    void onReadyRead()
    {
        m_buffer += m_socket.readAll();
        for (;;) {
            if (m_skip > 0) {
                const qsizetype n = std::min(m_skip, m_buffer.size());
                m_buffer.remove(0, n);
                m_skip -= n;
                if (m_skip > 0)
                    return;
                ++frames;
            }
            const qsizetype end = m_buffer.indexOf("\r\n\r\n");
            if (end < 0)
                return;
            const QByteArray head = m_buffer.left(end);
            m_buffer.remove(0, end + 4);
            const qsizetype cl = head.indexOf("Content-Length: ");
            if (cl < 0)
                continue;  // the response head
            m_skip = head.mid(cl + 16, head.indexOf('\r', cl) - cl - 16).toLongLong() + 2;
            const qsizetype ts = head.indexOf("X-Timestamp: ");
            if (ts >= 0) {
                const double sent = head.mid(ts + 13).toDouble() * 1000.0;
                latencyMs.push_back(double(QDateTime::currentMSecsSinceEpoch()) - sent);
            }
        }
    }

    QTcpSocket m_socket;
    QByteArray m_buffer;
    qsizetype m_skip = 0;  // body bytes (and CRLF) of the current part still to come
};

// The viewers, in their own thread ("viewers") so that their CPU can be told apart.
class ViewerHost : public QObject {
public:
    void open(quint16 port, const QByteArray& path, int n)
    {
        for (int i = 0; i < n; ++i)
            m_viewers.push_back(std::make_unique<Viewer>(port, path));
    }
    void reset()
    {
        for (auto& v : m_viewers) {
            v->frames = 0;
            v->latencyMs.clear();
        }
    }
    void collect(std::vector<int>* frames, std::vector<double>* latency) const
    {
        for (const auto& v : m_viewers) {
            frames->push_back(v->frames);
            latency->insert(latency->end(), v->latencyMs.begin(), v->latencyMs.end());
        }
    }
    void closeAll() { m_viewers.clear(); }

private:
    std::vector<std::unique_ptr<Viewer>> m_viewers;
};

struct Result {
    double readFps = 0, minFps = 0, meanFps = 0, p50 = 0, p99 = 0;
    double processCpu = 0, viewerThreadCpu = 0, serverCpu = 0, readerCpu = 0;
    std::vector<int> frames;
    std::vector<double> latency;
    double secs = 0;
};

class Bench {
public:
    explicit Bench(double seconds) : m_seconds(seconds) {}

    bool setUp()
    {
        Esp32CameraServer::Options o;
        o.fps = 30;
        o.size = QSize(640, 480);
        m_demo = std::make_unique<DemoCamera>(o);
        QString error;
        if (!m_demo->start(&error)) {
            fprintf(stderr, "demo camera: %s\n", qPrintable(error));
            return false;
        }
        m_scheduler = std::make_unique<ProcessingScheduler>();
        CameraConfig cfg;
        cfg.id = "cam";
        cfg.url = m_demo->url();
        cfg.skipFrames = 1;
        cfg.maxFps = 30;
        cfg.detect = vigil::DetectMode::Off;
        m_camera = std::make_unique<Camera>(cfg, m_scheduler.get());
        m_camera->start();
        m_server = std::make_unique<RebroadcastServer>();
        m_server->addCamera(m_camera.get());
        if (!m_server->start({}, &error)) {
            fprintf(stderr, "server: %s\n", qPrintable(error));
            return false;
        }
        m_host = new ViewerHost;
        m_host->moveToThread(&m_viewerThread);
        m_viewerThread.setObjectName("viewers");
        m_viewerThread.start();
        runFor(3);  // camera live, the demo's scene rendered
        return true;
    }

    ~Bench()
    {
        if (m_host)
            QMetaObject::invokeMethod(m_host, [this] { m_host->closeAll(); delete m_host; }, Qt::BlockingQueuedConnection);
        m_viewerThread.quit();
        m_viewerThread.wait();
        m_server.reset();
        m_camera.reset();
        m_scheduler.reset();
        m_demo.reset();
    }

    Result run(int viewers)
    {
        const QByteArray path = "/cameras/cam/source.mjpeg";
        const quint16 port = m_server->port();
        QMetaObject::invokeMethod(m_host, [&] { m_host->open(port, path, viewers); }, Qt::BlockingQueuedConnection);
        for (int i = 0; i < 100 && m_server->clientCount() < viewers; ++i)
            runFor(0.05);
        runFor(2);  // warm up
        QMetaObject::invokeMethod(m_host, [&] { m_host->reset(); }, Qt::BlockingQueuedConnection);
        const quint64 read0 = m_camera->stats().read;
        const double proc0 = cpuSeconds(), view0 = namedThreadCpuSeconds("viewers"),
                     server0 = namedThreadCpuSeconds("rebroadcast"), reader0 = namedThreadCpuSeconds("reader-cam");
        QElapsedTimer t;
        t.start();
        runFor(m_seconds);
        Result r;
        QMetaObject::invokeMethod(m_host, [&] { m_host->collect(&r.frames, &r.latency); }, Qt::BlockingQueuedConnection);
        r.secs = t.elapsed() / 1000.0;
        r.processCpu = (cpuSeconds() - proc0) / r.secs * 100.0;
        r.viewerThreadCpu = (namedThreadCpuSeconds("viewers") - view0) / r.secs * 100.0;
        r.serverCpu = (namedThreadCpuSeconds("rebroadcast") - server0) / r.secs * 100.0;
        r.readerCpu = (namedThreadCpuSeconds("reader-cam") - reader0) / r.secs * 100.0;
        r.readFps = (m_camera->stats().read - read0) / r.secs;
        r.minFps = viewers ? 1e9 : 0;
        double sum = 0;
        for (int f : r.frames) {
            r.minFps = std::min(r.minFps, f / r.secs);
            sum += f / r.secs;
        }
        r.meanFps = r.frames.empty() ? 0 : sum / double(r.frames.size());
        r.p50 = percentile(r.latency, 0.50);
        r.p99 = percentile(r.latency, 0.99);
        if (viewers)
            for (const RebroadcastClientStats& s : m_server->clientStats())
                m_skipped += s.framesSuperseded;
        QMetaObject::invokeMethod(m_host, [&] { m_host->closeAll(); }, Qt::BlockingQueuedConnection);
        for (int i = 0; i < 100 && m_server->clientCount() > 0; ++i)
            runFor(0.05);
        return r;
    }
    quint64 skipped() const { return m_skipped; }

private:
    double m_seconds;
    std::unique_ptr<DemoCamera> m_demo;
    std::unique_ptr<ProcessingScheduler> m_scheduler;
    std::unique_ptr<Camera> m_camera;
    std::unique_ptr<RebroadcastServer> m_server;
    QThread m_viewerThread;
    ViewerHost* m_host = nullptr;
    quint64 m_skipped = 0;
};

void print(const char* label, const Result& r)
{
    printf("%-10s camera read %5.1f fps | viewer fps min %5.1f mean %5.1f | latency p50 %5.1f ms p99 %5.1f ms | "
           "CPU process %5.1f%% (viewers' thread %4.1f%%, server thread %4.1f%%, reader %4.1f%%)\n",
           label, r.readFps, r.minFps, r.meanFps, r.p50, r.p99, r.processCpu, r.viewerThreadCpu, r.serverCpu,
           r.readerCpu);
    if (!r.frames.empty()) {
        printf("           per viewer fps:");
        for (int f : r.frames)
            printf(" %.1f", f / r.secs);
        printf("\n");
    }
    fflush(stdout);
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const double seconds = argValue(app.arguments(), "--seconds", 15);
    const int viewers = int(argValue(app.arguments(), "--viewers", 10));

    Bench bench(seconds);
    if (!bench.setUp())
        return 1;
    printf("bench_source: 1 camera 640x480 @ 30 fps (in-process ESP32 server), detection off, "
           "%d source.mjpeg viewers, %.0f s per run\n", viewers, seconds);
    const Result r0 = bench.run(0);
    print("0 viewers", r0);
    const Result rn = bench.run(viewers);
    print(qPrintable(QString("%1 viewers").arg(viewers)), rn);
    const double added = (rn.processCpu - r0.processCpu) / viewers;
    const double vigilAdded = (rn.processCpu - rn.viewerThreadCpu - r0.processCpu) / viewers;
    printf("added CPU per viewer: %.2f%% of a core (process), %.2f%% without the viewers' own thread; "
           "frames skipped %llu; min viewer fps %.1f%% of read fps\n",
           added, vigilAdded, bench.skipped(), rn.readFps > 0 ? 100.0 * rn.minFps / rn.readFps : 0);
    return 0;
}
