// Rebroadcast benchmark: one 30 FPS 640x480 camera (detection off) fanned out to 1, 10 and 50
// local binary WebSocket clients, then 10 clients plus one stalled client. Prints per-client
// frames/s (min/mean vs the camera's output FPS), latency from result delivery (processedNs) to
// client receive (p50/p99, steady clock: one process), server-thread CPU and RSS.
//
// Threads: the camera source (DemoCamera), the clients and the server ("rebroadcast") run in their
// own threads; the server thread's CPU is its own cost.
#include <QCoreApplication>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QThread>
#include <QTimer>
#include <QWebSocket>
#include <algorithm>
#include <arpa/inet.h>
#include <cstdio>
#include <memory>
#include <mutex>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

#include "bench_util.h"
#include "pipeline/camera.h"
#include "demo/demo_camera.h"
#include "processing/processing_scheduler.h"
#include "rebroadcast/frame_message.h"
#include "rebroadcast/rebroadcast_server.h"

using namespace vigil;
using namespace vigil::bench;

namespace {

// CPU of the rebroadcast server's own thread (named "rebroadcast"), from /proc/self/task/*/stat;
// the calling thread's when there is none (a server that runs in its owner's thread).
double threadCpuSeconds()
{
    QDir tasks("/proc/self/task");
    for (const QString& tid : tasks.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        QFile comm(tasks.filePath(tid + "/comm"));
        if (!comm.open(QIODevice::ReadOnly) || comm.readAll().trimmed() != "rebroadcast")
            continue;
        QFile stat(tasks.filePath(tid + "/stat"));
        if (!stat.open(QIODevice::ReadOnly))
            break;
        const QByteArray line = stat.readAll();
        // Fields after the ")" that ends the command name: state is field 3, utime 14, stime 15.
        const QList<QByteArray> f = line.mid(line.lastIndexOf(')') + 2).split(' ');
        const double ticks = double(sysconf(_SC_CLK_TCK));
        return (f.value(11).toDouble() + f.value(12).toDouble()) / ticks;
    }
    rusage ru{};
    getrusage(RUSAGE_THREAD, &ru);
    return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

// Remembers when each result was delivered (worker thread) for the clients to look up.
class DeliveryClock : public FrameSink {
public:
    void deliver(const ProcessedFramePtr& f) override
    {
        std::lock_guard lock(m_mutex);
        m_slots[f->seq % kSlots] = {f->seq, f->processedNs};
    }
    qint64 processedNs(quint64 seq) const
    {
        std::lock_guard lock(m_mutex);
        const auto& s = m_slots[seq % kSlots];
        return s.first == seq ? s.second : -1;
    }

private:
    static constexpr size_t kSlots = 4096;
    mutable std::mutex m_mutex;
    std::vector<std::pair<quint64, qint64>> m_slots = std::vector<std::pair<quint64, qint64>>(kSlots);
};

// The WebSocket clients, living in their own thread.
class ClientHost : public QObject {
public:
    struct Client {
        std::unique_ptr<QWebSocket> ws;
        int frames = 0;
        std::vector<double> latencyMs;
    };
    ClientHost(const DeliveryClock* clock) : m_clock(clock) {}

    void open(const QUrl& url, int n)
    {
        for (int i = 0; i < n; ++i) {
            auto c = std::make_unique<Client>();
            c->ws = std::make_unique<QWebSocket>();
            Client* raw = c.get();
            connect(raw->ws.get(), &QWebSocket::binaryMessageReceived, this, [this, raw](const QByteArray& msg) {
                const qint64 now = nowNs();
                BinaryFrameView v;
                if (!decodeBinaryFrame(msg, &v))
                    return;
                ++raw->frames;
                const qint64 processed = m_clock->processedNs(quint64(v.metadata.value("seq").toDouble()));
                if (processed > 0)
                    raw->latencyMs.push_back((now - processed) / 1e6);
            });
            c->ws->open(url);
            m_clients.push_back(std::move(c));
        }
    }
    void closeAll() { m_clients.clear(); }
    void reset()
    {
        for (auto& c : m_clients) {
            c->frames = 0;
            c->latencyMs.clear();
        }
    }
    // Per-client frame counts and all latency samples.
    void collect(std::vector<int>* frames, std::vector<double>* latency) const
    {
        for (const auto& c : m_clients) {
            frames->push_back(c->frames);
            latency->insert(latency->end(), c->latencyMs.begin(), c->latencyMs.end());
        }
    }

private:
    const DeliveryClock* m_clock;
    std::vector<std::unique_ptr<Client>> m_clients;
};

struct Result {
    double outFps = 0, minFps = 0, meanFps = 0, p50 = 0, p99 = 0, serverCpu = 0, processCpu = 0;
    qint64 rssDeltaKiB = 0;
};

class Bench {
public:
    Bench(double seconds) : m_seconds(seconds) {}

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
        m_camera->addSink(&m_clock);
        m_camera->start();
        m_server = std::make_unique<RebroadcastServer>();
        m_server->addCamera(m_camera.get());
        if (!m_server->start({}, &error)) {
            fprintf(stderr, "server: %s\n", qPrintable(error));
            return false;
        }
        m_host = new ClientHost(&m_clock);
        m_host->moveToThread(&m_clientThread);
        m_clientThread.start();
        runFor(1.5);  // camera live
        return true;
    }

    ~Bench()
    {
        if (m_host) {
            QMetaObject::invokeMethod(m_host, [this] { m_host->closeAll(); delete m_host; }, Qt::BlockingQueuedConnection);
        }
        m_clientThread.quit();
        m_clientThread.wait();
        m_server.reset();
        if (m_camera)
            m_camera->removeSink(&m_clock);
        m_camera.reset();
        m_scheduler.reset();
        m_demo.reset();
    }

    Result run(int clients, bool stalled)
    {
        const QUrl url(QString("ws://127.0.0.1:%1/ws/cam?format=binary").arg(m_server->port()));
        QMetaObject::invokeMethod(m_host, [&] { m_host->open(url, clients); }, Qt::BlockingQueuedConnection);
        int fd = -1;
        if (stalled)
            fd = openStalledClient();
        const int want = clients + (stalled ? 1 : 0);
        for (int i = 0; i < 100 && m_server->clientCount() < want; ++i)
            runFor(0.05);
        runFor(2);  // warm up (and let the stalled client's backlog fill)

        const qint64 rss0 = qint64(rssMiB() * 1024);
        const quint64 processed0 = m_camera->stats().processed;
        const double cpu0 = threadCpuSeconds(), proc0 = cpuSeconds();
        QMetaObject::invokeMethod(m_host, [&] { m_host->reset(); }, Qt::BlockingQueuedConnection);
        QElapsedTimer t;
        t.start();
        runFor(m_seconds);
        std::vector<int> frames;
        std::vector<double> latency;
        QMetaObject::invokeMethod(m_host, [&] { m_host->collect(&frames, &latency); }, Qt::BlockingQueuedConnection);
        const double secs = t.elapsed() / 1000.0;

        Result r;
        r.serverCpu = (threadCpuSeconds() - cpu0) / secs * 100.0;
        r.processCpu = (cpuSeconds() - proc0) / secs * 100.0;
        r.outFps = (m_camera->stats().processed - processed0) / secs;
        r.rssDeltaKiB = qint64(rssMiB() * 1024) - rss0;
        double sum = 0;
        r.minFps = 1e9;
        for (int f : frames) {
            r.minFps = std::min(r.minFps, f / secs);
            sum += f / secs;
        }
        r.meanFps = frames.empty() ? 0 : sum / double(frames.size());
        r.p50 = percentile(latency, 0.50);
        r.p99 = percentile(latency, 0.99);
        if (stalled) {
            for (const RebroadcastClientStats& s : m_server->clientStats())
                if (s.framesSuperseded > 0)
                    printf("  stalled client: sent %llu, replaced %llu, backlog %lld bytes (max %lld)\n",
                           s.framesSent, s.framesSuperseded, s.backlogBytes, s.maxBacklogBytes);
            ::close(fd);
        }
        QMetaObject::invokeMethod(m_host, [&] { m_host->closeAll(); }, Qt::BlockingQueuedConnection);
        for (int i = 0; i < 100 && m_server->clientCount() > 0; ++i)
            runFor(0.05);
        return r;
    }

private:
    // Handshake, then never read (tiny receive buffer so the server-side backlog builds fast).
    int openStalledClient()
    {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        const int rcv = 4096;
        ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof rcv);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(m_server->port());
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
            return fd;
        const QByteArray hs = "GET /ws/cam?format=binary HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                              "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                              "Sec-WebSocket-Version: 13\r\n\r\n";
        if (::write(fd, hs.constData(), size_t(hs.size())) != hs.size())
            fprintf(stderr, "stalled client: handshake write failed\n");
        return fd;
    }

    double m_seconds;
    std::unique_ptr<DemoCamera> m_demo;
    std::unique_ptr<ProcessingScheduler> m_scheduler;
    std::unique_ptr<Camera> m_camera;
    std::unique_ptr<RebroadcastServer> m_server;
    DeliveryClock m_clock;
    QThread m_clientThread;
    ClientHost* m_host = nullptr;
};

void print(const char* label, const Result& r)
{
    printf("%-22s out %5.1f fps | per-client min %5.1f (%5.1f%%) mean %5.1f | latency p50 %6.2f ms p99 %6.2f ms | "
           "server thread CPU %5.1f%% (process %5.1f%%) | RSS %+lld KiB\n",
           label, r.outFps, r.minFps, r.outFps > 0 ? 100.0 * r.minFps / r.outFps : 0, r.meanFps, r.p50, r.p99,
           r.serverCpu, r.processCpu, r.rssDeltaKiB);
    fflush(stdout);
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const double seconds = argValue(app.arguments(), "--seconds", 10);

    Bench bench(seconds);
    if (!bench.setUp())
        return 1;
    printf("bench_rebroadcast: 1 camera 640x480 @ 30 fps, detection off, binary WebSocket clients, %.0f s per run\n",
           seconds);
    const Result r1 = bench.run(1, false);
    print("1 client", r1);
    const Result r10 = bench.run(10, false);
    print("10 clients", r10);
    const Result r50 = bench.run(50, false);
    print("50 clients", r50);
    const Result rs = bench.run(10, true);
    print("10 clients + 1 stalled", rs);
    printf("stalled client effect on the others: mean fps %+.1f%%, p99 latency %+.2f ms, RSS %+lld KiB\n",
           r10.meanFps > 0 ? 100.0 * (rs.meanFps - r10.meanFps) / r10.meanFps : 0, rs.p99 - r10.p99,
           rs.rssDeltaKiB);
    return 0;
}
