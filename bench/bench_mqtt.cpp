// MQTT publishing cost and delay: N synthetic cameras (default 16) publish what MqttService
// publishes for them -- counts, motion, per-camera stats, one label snapshot per second -- plus
// one event per second, through MqttClient to a real mosquitto on 127.0.0.1. A subscriber in
// this process measures enqueue (the pipeline's result) -> delivery by the broker.
//   bench_mqtt [--cameras 16] [--seconds 20]
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QThread>
#include <cstdio>
#include <mosquitto.h>
#include <mutex>
#include <unistd.h>

#include "bench_util.h"
#include "common/frame.h"
#include "mqtt/mqtt_client.h"

using namespace vigil;

namespace {

// utime + stime of the thread named `name` in this process, in seconds; -1 when not found.
double threadCpuSeconds(const QByteArray& name)
{
    const long tick = sysconf(_SC_CLK_TCK);
    for (const QString& tid : QDir("/proc/self/task").entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        QFile comm("/proc/self/task/" + tid + "/comm");
        if (!comm.open(QIODevice::ReadOnly) || comm.readAll().trimmed() != name)
            continue;
        QFile stat("/proc/self/task/" + tid + "/stat");
        if (!stat.open(QIODevice::ReadOnly))
            return -1;
        const QByteArray text = stat.readAll();
        const QList<QByteArray> f = text.mid(text.lastIndexOf(')') + 2).split(' ');
        return (f.value(11).toDouble() + f.value(12).toDouble()) / double(tick);  // utime, stime (fields 14, 15)
    }
    return -1;
}

struct Delays {
    std::mutex mutex;
    std::vector<double> ms;
    qint64 bytes = 0;
};

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    const int cameras = int(bench::argValue(args, "--cameras", 16));
    const double seconds = bench::argValue(args, "--seconds", 20);

    // The broker.
    QTemporaryDir dir;
    quint16 port;
    {
        QTcpServer s;
        s.listen(QHostAddress::LocalHost, 0);
        port = s.serverPort();
    }
    QFile conf(dir.filePath("mosquitto.conf"));
    conf.open(QIODevice::WriteOnly);
    conf.write("listener " + QByteArray::number(port) + " 127.0.0.1\nallow_anonymous true\npersistence false\n");
    conf.close();
    QProcess broker;
    broker.start("/usr/sbin/mosquitto", {"-c", conf.fileName()});
    if (!broker.waitForStarted(5000)) {
        std::fprintf(stderr, "bench_mqtt: /usr/sbin/mosquitto did not start\n");
        return 1;
    }
    for (int i = 0; i < 100; ++i) {
        QTcpSocket probe;
        probe.connectToHost(QHostAddress::LocalHost, port);
        if (probe.waitForConnected(100))
            break;
        QThread::msleep(50);
    }

    // The subscriber: every payload starts with its enqueue time (steady ns) and a space.
    Delays delays;
    mosquitto_lib_init();
    mosquitto* sub = mosquitto_new(nullptr, true, &delays);
    mosquitto_connect_callback_set(sub, [](mosquitto* m, void*, int) { mosquitto_subscribe(m, nullptr, "bench/#", 0); });
    mosquitto_message_callback_set(sub, [](mosquitto*, void* d, const mosquitto_message* msg) {
        const qint64 now = nowNs();
        const QByteArray p(static_cast<const char*>(msg->payload), msg->payloadlen);
        const qint64 sent = p.left(p.indexOf(' ')).toLongLong();
        if (sent <= 0)
            return;
        auto* delays = static_cast<Delays*>(d);
        std::lock_guard lock(delays->mutex);
        delays->ms.push_back((now - sent) / 1e6);
        delays->bytes += msg->payloadlen;
    });
    mosquitto_connect(sub, "127.0.0.1", port, 30);
    mosquitto_loop_start(sub);

    MqttClientOptions o;
    o.host = "127.0.0.1";
    o.port = port;
    o.clientId = "bench-mqtt";
    o.availabilityTopic = "bench/available";
    MqttClient client(o);
    client.start();
    for (int i = 0; i < 100 && client.status().state != MqttState::Connected; ++i)
        bench::runFor(0.05);
    bench::runFor(0.3);
    {
        std::lock_guard lock(delays.mutex);
        delays.ms.clear();
    }

    const QByteArray stats(700, 'x');     // a camera's stats JSON is ~700 bytes
    const QByteArray event(900, 'e');     // an event message (before + after) ~900 bytes
    const QByteArray snapshot(60'000, 's');  // a 640x480 JPEG
    auto stamped = [](const QByteArray& body) { return QByteArray::number(nowNs()) + ' ' + body; };

    // Per tick (250 ms, the motion poll): motion flips on a quarter of the cameras, counts change on
    // an eighth; each second: per-camera stats, one event, one label snapshot.
    const double cpu0 = bench::cpuSeconds();
    const double mqtt0 = threadCpuSeconds("vigil-mqtt");
    if (mqtt0 < 0)
        std::fprintf(stderr, "bench_mqtt: the vigil-mqtt thread was not found\n");
    quint64 sent = 0;
    QElapsedTimer t;
    t.start();
    for (int tick = 0; t.elapsed() < seconds * 1000; ++tick) {
        for (int c = 0; c < cameras; ++c) {
            const QString cam = QStringLiteral("bench/cam%1/").arg(c);
            if ((tick + c) % 4 == 0) {
                client.publishState(cam + "motion", stamped(tick % 8 < 4 ? "ON" : "OFF"));
                ++sent;
            }
            if ((tick + c) % 8 == 0) {
                client.publishState(cam + "person", stamped(QByteArray::number(tick % 3)));
                client.publishState(cam + "all", stamped(QByteArray::number(tick % 3)));
                sent += 2;
            }
            if (tick % 4 == 0) {
                client.publishState(cam + "stats", stamped(stats));
                ++sent;
            }
        }
        if (tick % 4 == 0) {
            client.publishEvent("bench/events", stamped(event));
            client.publishState(QStringLiteral("bench/cam%1/person/snapshot").arg(tick % cameras), stamped(snapshot));
            sent += 2;
        }
        bench::runFor(0.25);
    }
    const double elapsed = t.elapsed() / 1000.0;
    bench::runFor(0.5);
    const double mqttCpu = threadCpuSeconds("vigil-mqtt") - mqtt0;
    const double cpu = bench::cpuSeconds() - cpu0;
    client.stop();
    mosquitto_disconnect(sub);
    mosquitto_loop_stop(sub, true);
    mosquitto_destroy(sub);
    broker.terminate();
    broker.waitForFinished(3000);

    std::vector<double> ms;
    qint64 bytes;
    {
        std::lock_guard lock(delays.mutex);
        ms = delays.ms;
        bytes = delays.bytes;
    }
    std::printf("bench_mqtt: %d cameras, %.1f s, %llu messages sent (%.0f/s), %zu delivered, %.2f MB/s\n", cameras,
                elapsed, (unsigned long long)sent, sent / elapsed, ms.size(), bytes / elapsed / 1e6);
    std::printf("  MQTT thread CPU: %.2f %% of one core (%.3f s)\n", 100.0 * mqttCpu / elapsed, mqttCpu);
    std::printf("  process CPU (incl. subscriber and publishing loop): %.2f %% of one core\n", 100.0 * cpu / elapsed);
    std::printf("  enqueue -> delivered: p50 %.2f ms, p99 %.2f ms, max %.2f ms (target p99 <= 20 ms)\n",
                bench::percentile(ms, 0.5), bench::percentile(ms, 0.99), bench::percentile(ms, 1.0));
    return double(ms.size()) >= 0.95 * double(sent) && bench::percentile(ms, 0.99) <= 20 ? 0 : 3;
}
