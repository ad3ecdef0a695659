#include "pipeline/camera.h"

#include <QMetaObject>

#include "common/log.h"

namespace vigil {

Camera::Camera(const CameraConfig& config, ProcessingScheduler* scheduler, QObject* parent)
    : QObject(parent), m_scheduler(scheduler), m_config(config),
      m_gate(config.skipFrames, config.maxFps)
{
    m_options = optionsFor(config, &m_detectorStatus, &m_detectorFailed);
    m_thread.setObjectName(QStringLiteral("reader-%1").arg(config.id));
    // Both run on the reader thread and never wait for processing.
    CameraReader::Output output;
    output.offer = [this](EncodedFrame&& frame) { m_scheduler->offer(this, std::move(frame)); };
    output.refresh = [this](EncodedFrame& frame) { return m_scheduler->refresh(this, frame); };
    m_reader = new CameraReader(config, &m_gate, &m_stats, std::move(output));
    m_reader->moveToThread(&m_thread);
    connect(m_reader, &CameraReader::stateChanged, this, &Camera::onReaderState, Qt::QueuedConnection);
    m_thread.start();
}

Camera::~Camera()
{
    stop();
    m_scheduler->detach(this);
    QMetaObject::invokeMethod(m_reader, [r = m_reader] { delete r; }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

QString Camera::id() const
{
    std::lock_guard lock(m_mutex);
    return m_config.id;
}

CameraConfig Camera::config() const
{
    std::lock_guard lock(m_mutex);
    return m_config;
}

void Camera::start()
{
    if (m_running)
        return;
    m_running = true;
    m_scheduler->attach(this);
    const CameraConfig c = config();
    qCInfo(lcPipeline).noquote() << QStringLiteral("[%1] Detection %2 (processing every %3 frames, max %4 FPS)")
                                        .arg(c.id, c.detectionEnabled ? "started" : "off")
                                        .arg(c.skipFrames)
                                        .arg(c.maxFps);
    QMetaObject::invokeMethod(m_reader, &CameraReader::start, Qt::QueuedConnection);
}

void Camera::stop()
{
    if (!m_running)
        return;
    m_running = false;
    QMetaObject::invokeMethod(m_reader, &CameraReader::stop, Qt::BlockingQueuedConnection);
    m_scheduler->detach(this);
}

bool Camera::isRunning() const { return m_running; }

void Camera::setSkipFrames(int n)
{
    m_gate.setSkipFrames(n);
    {
        std::lock_guard lock(m_mutex);
        m_config.skipFrames = m_gate.skipFrames();
    }
    emit configChanged();
}

void Camera::setMaxFps(double fps)
{
    m_gate.setMaxFps(fps);
    {
        std::lock_guard lock(m_mutex);
        m_config.maxFps = fps;
    }
    emit configChanged();
}

void Camera::setOutputSize(QSize size)
{
    std::lock_guard lock(m_mutex);
    m_config.outputSize = size;
    m_options.outputSize = size;
}

void Camera::setConfig(const CameraConfig& config)
{
    CameraConfig old;
    QString status;
    bool failed = false;
    const ProcessingOptions options = optionsFor(config, &status, &failed);
    {
        std::lock_guard lock(m_mutex);
        old = m_config;
        m_config = config;
        m_options = options;
    }
    m_gate.setSkipFrames(config.skipFrames);
    m_gate.setMaxFps(config.maxFps);
    setDetectorStatus(status, failed);
    const bool reconnect = old.url != config.url || old.user != config.user ||
                           old.password != config.password ||
                           old.acceptSelfSignedTls != config.acceptSelfSignedTls ||
                           old.connectTimeoutMs != config.connectTimeoutMs ||
                           old.stallTimeoutMs != config.stallTimeoutMs ||
                           old.backoffInitialMs != config.backoffInitialMs ||
                           old.backoffMaxMs != config.backoffMaxMs ||
                           old.maxJpegSize != config.maxJpegSize || old.captureLimits != config.captureLimits;
    if (reconnect)
        QMetaObject::invokeMethod(m_reader, [r = m_reader, config] { r->reconfigure(config); },
                                  Qt::QueuedConnection);
    emit configChanged();
}

CameraState Camera::state() const
{
    std::lock_guard lock(m_mutex);
    return m_state;
}

QString Camera::stateReason() const
{
    std::lock_guard lock(m_mutex);
    return m_reason;
}

QString Camera::detectorStatus() const
{
    std::lock_guard lock(m_mutex);
    return m_detectorStatus;
}

bool Camera::detectorFailed() const
{
    std::lock_guard lock(m_mutex);
    return m_detectorFailed;
}

StatsSnapshot Camera::stats() const { return m_stats.snapshot(nowNs()); }

ProcessedFramePtr Camera::latestFrame() const
{
    std::lock_guard lock(m_mutex);
    return m_latest;
}

void Camera::addSink(FrameSink* sink)
{
    std::lock_guard lock(m_mutex);
    if (std::find(m_sinks.begin(), m_sinks.end(), sink) == m_sinks.end())
        m_sinks.push_back(sink);
}

void Camera::removeSink(FrameSink* sink)
{
    // Under the same lock as delivery: once this returns, the sink is never called again.
    std::lock_guard lock(m_mutex);
    m_sinks.erase(std::remove(m_sinks.begin(), m_sinks.end(), sink), m_sinks.end());
}

ProcessingOptions Camera::optionsFor(const CameraConfig& config, QString* detectorStatus, bool* detectorFailed)
{
    ProcessingOptions o;
    o.detectionEnabled = config.detectionEnabled;
    o.detector = config.detector;
    o.outputSize = config.outputSize;
    o.jpegQuality = config.jpegQuality;
    o.maxJpegSize = config.maxJpegSize.isValid() ? config.maxJpegSize : config.captureLimits.maxJpegSize;
    QString status;
    if (config.detectionEnabled) {
        o.detector.modelPath = resolveModelPath(config.detector.modelPath);
        status = o.detector.modelPath.isEmpty()
                     ? modelHelpText()
                     : QStringLiteral("loading %1").arg(o.detector.modelPath);
    }
    if (detectorStatus)
        *detectorStatus = status;
    if (detectorFailed)
        *detectorFailed = config.detectionEnabled && o.detector.modelPath.isEmpty();
    return o;
}

void Camera::lookForDefaultModel(ProcessingOptions& options)
{
    const qint64 now = nowNs();
    if (now - m_defaultModelCheckedNs < kDefaultModelRecheckNs)
        return;
    m_defaultModelCheckedNs = now;
    const QString found = resolveModelPath(QString());
    if (found.isEmpty())
        return;
    std::lock_guard lock(m_mutex);
    if (m_options.detectionEnabled && m_options.detector.modelPath.isEmpty() && m_config.detector.modelPath.isEmpty())
        m_options.detector.modelPath = found;
    options = m_options;
}

void Camera::process(EncodedFrame&& frame, WorkerContext& ctx)
{
    ProcessingOptions options;
    QString id;
    {
        std::lock_guard lock(m_mutex);
        options = m_options;
        id = m_config.id;
    }
    if (options.detectionEnabled && options.detector.modelPath.isEmpty())
        lookForDefaultModel(options);
    ProcessResult r = processFrame(id, frame, options, ctx);
    if (r.detectorStatus != detectorStatus()) {
        if (r.detectorFailed)
            qCWarning(lcDetect).noquote() << QStringLiteral("[%1] %2").arg(id, r.detectorStatus);
        QMetaObject::invokeMethod(this, [this, s = r.detectorStatus, f = r.detectorFailed] { setDetectorStatus(s, f); },
                                  Qt::QueuedConnection);
        std::lock_guard lock(m_mutex);
        m_detectorStatus = r.detectorStatus;
        m_detectorFailed = r.detectorFailed;
    }
    if (!r.frame) {
        m_stats.onDecodeError();
        qCDebug(lcPipeline).noquote() << QStringLiteral("[%1] frame %2 skipped: %3").arg(id).arg(frame.seq).arg(r.error);
        return;
    }
    m_stats.onProcessed(r.frame->decodeMs, r.frame->inferMs, r.frame->processedNs - frame.receivedNs,
                        r.frame->processedNs);
    std::lock_guard lock(m_mutex);
    m_latest = r.frame;
    for (FrameSink* sink : m_sinks)
        sink->deliver(r.frame);
}

void Camera::onSuperseded(const EncodedFrame&) { m_stats.onSuperseded(); }

void Camera::onReaderState(CameraState state, const QString& reason)
{
    {
        std::lock_guard lock(m_mutex);
        m_state = state;
        m_reason = reason;
    }
    emit stateChanged(state, reason);
}

void Camera::setDetectorStatus(const QString& status, bool failed)
{
    {
        std::lock_guard lock(m_mutex);
        m_detectorStatus = status;
        m_detectorFailed = failed;
    }
    emit detectorStatusChanged(status);
}

} // namespace vigil
