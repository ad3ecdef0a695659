#pragma once
// Runs the Pipeline without a window: logs on stderr, --stats-json lines on stdout. Only printing
// and signals live here; what runs and how it is wired is the Pipeline's.
#include <QObject>
#include <QTimer>
#include <map>
#include <memory>

#include "cli_options.h"

namespace vigil {

class Camera;
class Pipeline;

class HeadlessRunner : public QObject {
    Q_OBJECT
public:
    explicit HeadlessRunner(const CliOptions& options, QObject* parent = nullptr);
    ~HeadlessRunner() override;
    // Starts everything; false (with a message on stderr) when nothing can run.
    bool start();
    Pipeline* pipeline() const { return m_pipeline.get(); }

private:
    void report();
    void watch(Camera* camera);
    // The settings of --config, read without writing to the file; false (printed) when unusable.
    bool loadConfigFile(AppSettings* settings);

    CliOptions m_options;
    std::unique_ptr<Pipeline> m_pipeline;
    std::map<QString, quint64> m_lastLogged;   // processed count at the last progress line, by camera
    QTimer m_reportTimer;
};

// Entry point for --headless. Returns the process exit status.
int runHeadless(const CliOptions& options);

} // namespace vigil
