#pragma once
// Small helpers shared by the benchmarks.
#include <QByteArray>
#include <QList>
#include <QProcess>
#include <QString>
#include <QUrl>

namespace vigil::bench {

double cpuSeconds();          // user + system CPU of this process
double rssMiB();              // resident memory of this process
void runFor(double seconds);  // runs the event loop
QString sharedDir(const char* env, const char* sub);  // $env, else <source>/../shared/<sub>

// Starts this executable again with --serve (see serveIfAsked) as the camera server, so the
// server's CPU is not counted. Returns the stream URL, or an empty URL on failure.
QUrl startServerProcess(QProcess& process, const QStringList& extraArgs = {});
// In the child: when argv has --serve, serves MJPEG (--frames DIR: the JPEGs in DIR) until killed
// and returns true after the event loop ends.
bool serveIfAsked(int* exitCode);

} // namespace vigil::bench
