#pragma once
// Runs cameras without a window: logs on stderr, --stats-json lines on stdout.
#include <QObject>
#include <QTimer>
#include <memory>
#include <vector>

#include "cli_options.h"

namespace vigil {

class Camera;
class DemoCamera;
class ProcessingScheduler;
class RebroadcastServer;

class HeadlessRunner : public QObject {
    Q_OBJECT
public:
    explicit HeadlessRunner(const CliOptions& options, QObject* parent = nullptr);
    ~HeadlessRunner() override;
    // Starts everything; false (with a message on stderr) when nothing can run.
    bool start();
    const std::vector<std::unique_ptr<Camera>>& cameras() const { return m_cameras; }

private:
    void report();
    // Cameras (and rebroadcast settings) from --config, read without writing to the file.
    bool loadConfigFile(QList<CameraConfig>* cameras);

    CliOptions m_options;
    std::unique_ptr<ProcessingScheduler> m_scheduler;
    std::unique_ptr<DemoCamera> m_demo;
    std::vector<std::unique_ptr<Camera>> m_cameras;
    std::unique_ptr<RebroadcastServer> m_server;
    std::vector<quint64> m_lastLogged;
    QTimer m_reportTimer;
};

// Entry point for --headless. Returns the process exit status.
int runHeadless(const CliOptions& options);

} // namespace vigil
