#pragma once
// Small helpers shared by the benchmarks.
#include <QByteArray>
#include <QList>
#include <QProcess>
#include <QString>
#include <QUrl>
#include <mutex>
#include <vector>

#include "processing/frame_sink.h"

namespace vigil::bench {

double cpuSeconds();          // user + system CPU of this process
double rssMiB();              // resident memory of this process
int threadCount();            // threads of this process
int openFileCount();          // open file descriptors of this process
void runFor(double seconds);  // runs the event loop
QString sharedDir(const char* env, const char* sub);  // $env, else <source>/../shared/<sub>
// Nearest-rank percentile, q in [0, 1]; 0 for no values.
double percentile(std::vector<double> values, double q);
// The number after `name` on the command line, else `fallback`.
double argValue(const QStringList& args, const char* name, double fallback);

// Records each result's latency (last byte received -> delivered) in arrival order, with the
// decode and inference time it cost a worker. deliver() runs on the workers.
class LatencyRecorder : public FrameSink {
public:
    struct Sample {
        double latencyMs, decodeMs, inferMs;
    };
    void deliver(const ProcessedFramePtr& f) override;
    std::vector<Sample> take();

private:
    std::mutex m_mutex;
    std::vector<Sample> m_samples;
};

// Starts this executable again with --serve (see serveIfAsked) as the camera server, so the
// server's CPU is not counted. Returns the stream URL, or an empty URL on failure.
QUrl startServerProcess(QProcess& process, const QStringList& extraArgs = {});
// In the child: when argv has --serve, serves MJPEG (--frames DIR: the JPEGs in DIR) until killed
// and returns true after the event loop ends.
bool serveIfAsked(int* exitCode);

} // namespace vigil::bench
