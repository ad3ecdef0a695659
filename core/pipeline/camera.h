#pragma once
// One camera: its reader thread, frame gate, processing channel, stats and result sinks.
// Lives in the thread that created it (the GUI or the CLI's main thread).
#include <QObject>
#include <QThread>
#include <memory>
#include <mutex>
#include <vector>

#include "config/camera_config.h"
#include "capture/camera_reader.h"
#include "stats/camera_stats.h"
#include "capture/frame_gate.h"
#include "processing/frame_processor.h"
#include "processing/frame_sink.h"
#include "processing/processing_scheduler.h"

namespace vigil {

class Camera : public QObject, private ProcessingChannel {
    Q_OBJECT
public:
    Camera(const CameraConfig& config, ProcessingScheduler* scheduler, QObject* parent = nullptr);
    ~Camera() override;

    QString id() const;
    CameraConfig config() const;

    void start();
    void stop();
    bool isRunning() const;

    // Live tuning: no reconnect; effective from the next frame.
    void setSkipFrames(int n);
    void setMaxFps(double fps);
    void setOutputSize(QSize size);
    // Applies a new configuration: gate, detection and output settings live; the reader
    // reconnects only when the URL, credentials or timeouts changed.
    void setConfig(const CameraConfig& config);

    CameraState state() const;
    QString stateReason() const;
    QString detectorStatus() const;   // "" when detection is off
    bool detectorFailed() const;      // detection is on but cannot run (no model, bad model)
    StatsSnapshot stats() const;
    ProcessedFramePtr latestFrame() const;

    // Sinks get every result on a worker thread (see FrameSink). Not owned.
    void addSink(FrameSink* sink);
    void removeSink(FrameSink* sink);

    // Resolves the model the camera should use (empty when none); see resolveModelPath().
    static ProcessingOptions optionsFor(const CameraConfig& config, QString* detectorStatus,
                                        bool* detectorFailed = nullptr);
    // With "default model" and none installed, workers look again this often, so a model fetched
    // while the app runs is used without restarting the camera.
    static constexpr qint64 kDefaultModelRecheckNs = 3'000'000'000;

signals:
    void stateChanged(vigil::CameraState state, const QString& reason);
    void detectorStatusChanged(const QString& status);
    void configChanged();

private:
    void process(EncodedFrame&& frame, WorkerContext& ctx) override;
    void onSuperseded(const EncodedFrame& dropped) override;
    void onReaderState(CameraState state, const QString& reason);
    void setDetectorStatus(const QString& status, bool failed);
    void lookForDefaultModel(ProcessingOptions& options);

    ProcessingScheduler* m_scheduler;
    mutable std::mutex m_mutex;          // guards the fields below that workers read
    CameraConfig m_config;
    ProcessingOptions m_options;
    QString m_detectorStatus;
    bool m_detectorFailed = false;
    qint64 m_defaultModelCheckedNs = 0;  // workers only (one at a time per camera)
    ProcessedFramePtr m_latest;
    std::vector<FrameSink*> m_sinks;
    CameraState m_state = CameraState::Idle;
    QString m_reason;

    FrameGate m_gate;
    CameraStats m_stats;
    QThread m_thread;
    CameraReader* m_reader = nullptr;    // lives in m_thread
    bool m_running = false;
};

} // namespace vigil
