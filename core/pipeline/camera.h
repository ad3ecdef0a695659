#pragma once
// One camera: its reader thread, frame gate, two processing stages, stats and result sinks.
//   reader -> gate -> [motion slot] -> motion stage (light pool): luma decode, motion analysis, the
//   inference gate; a frame not inferred is decoded only if a sink wants pixels, and delivered
//   -> [inference slot] -> inference stage (inference pool): decode, detect (crop), annotate, deliver.
// Each slot holds one frame, latest wins. Static cameras never occupy the inference workers.
// Lives in the thread that created it (the GUI or the CLI's main thread). Each sink gets frames in
// the format it states (FrameSink::format()); with no sink, the camera keeps its own rendition
// (image and JPEG at source size) for latestFrame().
// Stopping and destruction never wait on the reader's thread: it is told to stop (or to delete
// its reader and finish) and does so on its own; the gate and stats it uses live until then.
#include <QObject>
#include <QThread>
#include <QDeadlineTimer>
#include <functional>
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
#include "motion/inference_gate.h"
#include "motion/motion_detector.h"

namespace vigil {

class Camera : public QObject {
    Q_OBJECT
public:
    // `inference` runs the detector; `light` runs motion analysis and decoding for display (null:
    // both stages share `inference`, for tests and tools).
    Camera(const CameraConfig& config, ProcessingScheduler* inference, ProcessingScheduler* light = nullptr,
           QObject* parent = nullptr);
    ~Camera() override;

    QString id() const;
    CameraConfig config() const;

    void start();
    void stop();
    bool isRunning() const;

    // Live tuning: no reconnect; effective from the next frame.
    void setSkipFrames(int n);
    void setMaxFps(double fps);
    // Applies a new configuration: gate, detection and output settings live; the reader
    // reconnects only when the URL, credentials or timeouts changed.
    void setConfig(const CameraConfig& config);

    CameraState state() const;
    QString stateReason() const;
    QString detectorStatus() const;   // "" when detection is off
    bool detectorFailed() const;      // detection is on but cannot run (no model, bad model)
    StatsSnapshot stats() const;
    // The latest result: the rendition with a JPEG if a sink asked for one, else the largest one
    // (with no sink: image and JPEG at source size). Detections and the source JPEG are always there.
    ProcessedFramePtr latestFrame() const;

    // Every frame the reader reads (before the gate; jpeg, seq, receivedNs, captureUs and the part
    // headers as sent, no motion), on the reader's thread under the camera's reader lock: must not
    // block, nor add or remove taps. Event clips' pre-roll, /cameras/<id>/source.mjpeg viewers.
    using FrameTap = std::function<void(const EncodedFrame& frame)>;
    // One tap per owner (adding again replaces it). Once removeFrameTap returns, that tap is never
    // called again. Any thread. With no tap a frame costs nothing extra.
    void addFrameTap(const void* owner, FrameTap tap);
    void removeFrameTap(const void* owner);
    int frameTapCount() const;

    // Sinks get every result on a worker thread (see FrameSink), in their own format. Not owned.
    void addSink(FrameSink* sink);
    void removeSink(FrameSink* sink);

    // Resolves the model the camera should use (empty when none); see resolveModelPath().
    static ProcessingOptions optionsFor(const CameraConfig& config, QString* detectorStatus,
                                        bool* detectorFailed = nullptr);
    // With "default model" and none installed, workers look again this often, so a model fetched
    // while the app runs is used without restarting the camera.
    static constexpr qint64 kDefaultModelRecheckNs = 3'000'000'000;
    // Reader threads of destroyed cameras finish on their own; at process exit, wait (bounded)
    // for them so none runs while the process tears down. True when all have finished.
    static bool waitForFinishedReaders(QDeadlineTimer deadline);
    // Waits (bounded) for finishing readers and frees their threads; runs when the application
    // object is destroyed.
    static void freeFinishedReaders();

signals:
    void stateChanged(vigil::CameraState state, const QString& reason);
    void detectorStatusChanged(const QString& status);
    void configChanged();

private:
    // One stage's channel on its scheduler.
    class Stage : public ProcessingChannel {
    public:
        using Run = void (Camera::*)(EncodedFrame&&, WorkerContext&);
        Stage(Camera* camera, Run run) : m_camera(camera), m_run(run) {}
        void process(EncodedFrame&& frame, WorkerContext& ctx) override { (m_camera->*m_run)(std::move(frame), ctx); }
        void onSuperseded(const EncodedFrame&) override { m_camera->m_stats.onSuperseded(); }

    private:
        Camera* m_camera;
        Run m_run;
    };
    void analyse(EncodedFrame&& frame, WorkerContext& ctx);  // motion stage
    void infer(EncodedFrame&& frame, WorkerContext& ctx);    // inference stage
    // Decode (as far as anyone needs), detect when asked, deliver to the sinks.
    void present(const EncodedFrame& frame, WorkerContext& ctx, bool detect);
    void onReaderState(CameraState state, const QString& reason);
    void setDetectorStatus(const QString& status, bool failed);
    void lookForDefaultModel(ProcessingOptions& options);
    void deliver(const QVector<ProcessedFramePtr>& frames, const std::vector<std::pair<FrameSink*, int>>& targets);

    // What the reader thread uses; shared so it outlives the Camera until the reader is gone.
    struct ReaderLink;
    std::shared_ptr<ReaderLink> m_link;
    ProcessingScheduler* m_scheduler;        // inference
    ProcessingScheduler* m_lightScheduler;   // motion analysis, display decoding
    Stage m_motionStage{this, &Camera::analyse};
    Stage m_inferStage{this, &Camera::infer};
    MotionDetector m_motionDetector;     // motion stage only
    cv::Mat m_luma;                      // motion stage only
    InferenceGate m_inferGate;
    // Sequence numbers of the last frame sent to the inference stage and the last one it finished:
    // while one is on its way, the motion stage shows nothing newer (results stay in order).
    std::atomic<quint64> m_inferOffered{0};
    std::atomic<quint64> m_inferDone{0};
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

    FrameGate& m_gate;                   // in m_link
    CameraStats& m_stats;                // in m_link
    QThread* m_thread;                   // deletes itself once finished
    CameraReader* m_reader = nullptr;    // lives in m_thread
    bool m_running = false;
};

} // namespace vigil
