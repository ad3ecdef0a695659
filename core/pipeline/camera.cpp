#include "pipeline/camera.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QMetaObject>
#include <algorithm>
#include <mutex>
#include <condition_variable>

#include "common/log.h"

namespace vigil {

struct Camera::ReaderLink {
    ReaderLink(int skip, double fps) : gate(skip, fps) {}
    FrameGate gate;
    CameraStats stats;
    std::mutex mutex;                      // guards channel against the Camera going away
    ProcessingScheduler* scheduler = nullptr;
    ProcessingChannel* channel = nullptr;  // null once the Camera is destroyed
    std::vector<std::pair<const void*, Camera::FrameTap>> taps;  // guarded by mutex
};

namespace {
// Reader threads still finishing after their Camera was destroyed. Never destroyed: a reader
// thread may still signal it while the process exits (found by TSan).
struct FinishingReaders {
    std::mutex mutex;
    std::condition_variable done;
    int running = 0;
};
FinishingReaders& finishingReaders()
{
    static auto* readers = new FinishingReaders;
    return *readers;
}
} // namespace

Camera::Camera(const CameraConfig& config, ProcessingScheduler* inference, ProcessingScheduler* light,
               QObject* parent)
    : QObject(parent), m_link(std::make_shared<ReaderLink>(config.skipFrames, config.maxFps)),
      m_scheduler(inference), m_lightScheduler(light ? light : inference), m_config(config),
      m_gate(m_link->gate), m_stats(m_link->stats), m_thread(new QThread)
{
    m_link->scheduler = m_lightScheduler;
    m_link->channel = &m_motionStage;
    m_options = optionsFor(config, &m_detectorStatus, &m_detectorFailed);
    m_thread->setObjectName(QStringLiteral("reader-%1").arg(config.id));
    // Both run on the reader thread and never wait for processing; after the Camera is gone they
    // do nothing.
    CameraReader::Output output;
    output.offer = [link = m_link](EncodedFrame&& frame) {
        std::lock_guard lock(link->mutex);
        if (link->channel)
            link->scheduler->offer(link->channel, std::move(frame));
    };
    output.read = [link = m_link](const EncodedFrame& frame) {
        std::lock_guard lock(link->mutex);
        for (const auto& [owner, tap] : link->taps)
            tap(frame);
    };
    output.refresh = [link = m_link](EncodedFrame& frame) {
        std::lock_guard lock(link->mutex);
        return link->channel && link->scheduler->refresh(link->channel, frame);
    };
    m_reader = new CameraReader(config, &m_link->gate, &m_link->stats, std::move(output));
    m_reader->moveToThread(m_thread);
    connect(m_reader, &CameraReader::stateChanged, this, &Camera::onReaderState, Qt::QueuedConnection);
    {
        std::lock_guard lock(finishingReaders().mutex);
        ++finishingReaders().running;
    }
    QThread* thread = m_thread;
    // deleteLater first: once a reader counts as finished, its thread's deletion is already posted,
    // so freeFinishedReaders() can deliver it.
    connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    connect(thread, &QThread::finished, thread, [] {
        FinishingReaders& readers = finishingReaders();
        std::lock_guard lock(readers.mutex);
        --readers.running;
        readers.done.notify_all();
    }, Qt::DirectConnection);
    static std::once_flag atExit;
    std::call_once(atExit, [] { qAddPostRoutine(&Camera::freeFinishedReaders); });
    m_thread->start();
}

Camera::~Camera()
{
    m_running = false;
    {
        // Once this returns no reader callback reaches the scheduler for this channel.
        std::lock_guard lock(m_link->mutex);
        m_link->channel = nullptr;
        m_link->taps.clear();
    }
    // Motion first: once it is detached nothing new reaches the inference stage. Each waits only
    // for a worker processing this camera, never for I/O.
    m_lightScheduler->detach(&m_motionStage);
    m_scheduler->detach(&m_inferStage);
    // Disconnected before the reader is handed over, so ~QObject no longer touches it.
    disconnect(m_reader, nullptr, this, nullptr);
    // The reader thread deletes its reader (stopping it) and finishes on its own time; the link
    // keeps the gate and stats it uses alive until then.
    QMetaObject::invokeMethod(m_reader, [r = m_reader, link = m_link] {
        delete r;
        QThread::currentThread()->quit();
    }, Qt::QueuedConnection);
}

bool Camera::waitForFinishedReaders(QDeadlineTimer deadline)
{
    FinishingReaders& readers = finishingReaders();
    std::unique_lock lock(readers.mutex);
    while (readers.running > 0) {
        if (readers.done.wait_for(lock, std::chrono::milliseconds(std::max<qint64>(0, deadline.remainingTime())))
                == std::cv_status::timeout
            && deadline.hasExpired())
            return readers.running == 0;
    }
    return true;
}

void Camera::freeFinishedReaders()
{
    // Short runs and tests exit before the event loop delivers the threads' deleteLater.
    waitForFinishedReaders(QDeadlineTimer(3000));
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
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
    // No stage runs while stopped: its state can be reset here.
    m_inferGate.reset();
    m_motionDetector.reset();
    m_inferOffered = 0;
    m_inferDone = 0;
    m_scheduler->attach(&m_inferStage);
    m_lightScheduler->attach(&m_motionStage);
    const CameraConfig c = config();
    qCInfo(lcPipeline).noquote() << QStringLiteral("[%1] Detection: %2 (processing every %3 frames, max %4 FPS)")
                                        .arg(c.id, detectModeName(c.detect))
                                        .arg(c.skipFrames)
                                        .arg(c.maxFps);
    QMetaObject::invokeMethod(m_reader, &CameraReader::start, Qt::QueuedConnection);
}

void Camera::stop()
{
    if (!m_running)
        return;
    m_running = false;
    // Queued, not blocking: the GUI thread never waits on a busy reader. Frames it still offers
    // meanwhile are refused by the detached scheduler.
    QMetaObject::invokeMethod(m_reader, &CameraReader::stop, Qt::QueuedConnection);
    m_lightScheduler->detach(&m_motionStage);
    m_scheduler->detach(&m_inferStage);
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

void Camera::addFrameTap(const void* owner, FrameTap tap)
{
    std::lock_guard lock(m_link->mutex);
    auto& taps = m_link->taps;
    const auto it = std::find_if(taps.begin(), taps.end(), [owner](const auto& t) { return t.first == owner; });
    if (it != taps.end())
        it->second = std::move(tap);
    else
        taps.emplace_back(owner, std::move(tap));
}

void Camera::removeFrameTap(const void* owner)
{
    // Under the lock the reader calls taps with: once this returns the tap is never called again.
    std::lock_guard lock(m_link->mutex);
    auto& taps = m_link->taps;
    taps.erase(std::remove_if(taps.begin(), taps.end(), [owner](const auto& t) { return t.first == owner; }),
               taps.end());
}

int Camera::frameTapCount() const
{
    std::lock_guard lock(m_link->mutex);
    return int(m_link->taps.size());
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
    o.detectionEnabled = config.detects();
    o.detector = config.detector;
    o.jpegQuality = config.jpegQuality;
    o.maxJpegSize = config.maxJpegSize.isValid() ? config.maxJpegSize : config.captureLimits.maxJpegSize;
    QString status;
    if (config.detects()) {
        o.detector.modelPath = resolveModelPath(config.detector.modelPath);
        status = o.detector.modelPath.isEmpty()
                     ? modelHelpText()
                     : QStringLiteral("loading %1").arg(o.detector.modelPath);
    }
    if (detectorStatus)
        *detectorStatus = status;
    if (detectorFailed)
        *detectorFailed = config.detects() && o.detector.modelPath.isEmpty();
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

void Camera::analyse(EncodedFrame&& frame, WorkerContext& ctx)
{
    DetectMode mode;
    MotionSettings motionSettings;
    qint64 heartbeatNs;
    QSize maxSize;
    QString id;
    {
        std::lock_guard lock(m_mutex);
        mode = m_config.detect;
        motionSettings = m_config.motion;
        heartbeatNs = qint64(m_config.heartbeatS) * 1'000'000'000;
        maxSize = m_options.maxJpegSize;
        id = m_config.id;
    }
    QElapsedTimer timer;
    timer.start();
    QSize source;
    QString error;
    // A small luma-only decode: the chroma and most of the IDCT are never computed.
    if (!ctx.decoder.readSize(frame.jpeg, &source, &error, maxSize) ||
        !ctx.decoder.decodeGray(frame.jpeg, m_luma, MotionDetector::analysisSize(source), &error, maxSize)) {
        m_stats.onDecodeError();
        qCDebug(lcPipeline).noquote() << QStringLiteral("[%1] frame %2 skipped: %3").arg(id).arg(frame.seq).arg(error);
        return;
    }
    const MotionResult m = m_motionDetector.analyse(m_luma, source, motionSettings);
    m_stats.onMotion(m.motion, m.motionPct, timer.nsecsElapsed() / 1e6);
    frame.motion.motion = m.motion;
    frame.motion.motionPct = m.motionPct;
    frame.motion.boxes = m.boxes;

    const InferenceGate::Decision d = m_inferGate.decide(mode, m, source, heartbeatNs, nowNs());
    if (d.infer) {
        frame.motion.focus = d.focus;
        m_inferOffered = frame.seq;  // before the offer: the inference may finish at once
        m_scheduler->offer(&m_inferStage, std::move(frame));
        return;
    }
    if (mode == DetectMode::Motion)
        m_stats.onGatedNoMotion();
    // An inference of an older frame is on its way: showing this one first would put results out
    // of order. It is replaced by that result, as a newer frame would be.
    if (m_inferDone < m_inferOffered) {
        m_stats.onSuperseded();
        return;
    }
    present(frame, ctx, false);
}

void Camera::infer(EncodedFrame&& frame, WorkerContext& ctx)
{
    present(frame, ctx, true);
    m_inferDone = frame.seq;
}

void Camera::present(const EncodedFrame& frame, WorkerContext& ctx, bool detect)
{
    ProcessingOptions options;
    QString id;
    // Each sink's format, deduplicated: one rendition per distinct format.
    QVector<FrameFormat> formats;
    std::vector<std::pair<FrameSink*, int>> targets;
    {
        std::lock_guard lock(m_mutex);
        options = m_options;
        id = m_config.id;
        for (FrameSink* sink : m_sinks) {
            const FrameFormat f = sink->format();
            qsizetype i = formats.indexOf(f);
            if (i < 0) {
                formats.append(f);
                i = formats.size() - 1;
            }
            targets.emplace_back(sink, int(i));
        }
    }
    // When no sink wants pixels, the camera keeps its own rendition for latestFrame(): annotated
    // when something was inferred, else the source bytes (no decode at all: headless, no viewer).
    if (std::none_of(formats.begin(), formats.end(), [](const FrameFormat& f) { return f.wantsPixels(); }))
        formats.append(FrameFormat{QSize(), detect, true});
    options.detectionEnabled = options.detectionEnabled && detect;
    if (options.detectionEnabled && options.detector.modelPath.isEmpty())
        lookForDefaultModel(options);
    ProcessResult r = processFrame(id, frame, options, formats, ctx, frame.motion.focus);
    if (detect && r.detectorStatus != detectorStatus()) {
        if (r.detectorFailed)
            qCWarning(lcDetect).noquote() << QStringLiteral("[%1] %2").arg(id, r.detectorStatus);
        QMetaObject::invokeMethod(this, [this, s = r.detectorStatus, f = r.detectorFailed] { setDetectorStatus(s, f); },
                                  Qt::QueuedConnection);
        std::lock_guard lock(m_mutex);
        m_detectorStatus = r.detectorStatus;
        m_detectorFailed = r.detectorFailed;
    }
    if (r.frames.isEmpty()) {
        m_stats.onDecodeError();
        qCDebug(lcPipeline).noquote() << QStringLiteral("[%1] frame %2 skipped: %3").arg(id).arg(frame.seq).arg(r.error);
        return;
    }
    const ProcessedFrame& any = *r.frames.front();
    if (r.inferred) {
        m_stats.onInference(any.processedNs);
        m_inferGate.onInferred(any.detections, r.inferRegion, any.sourceSize, any.processedNs);
    }
    m_stats.onProcessed(any.decodeMs, any.inferMs, any.processedNs - frame.receivedNs, any.processedNs);
    deliver(r.frames, targets);
}

void Camera::deliver(const QVector<ProcessedFramePtr>& frames, const std::vector<std::pair<FrameSink*, int>>& targets)
{
    // The reference for latestFrame(): a rendition with a JPEG if any, else the largest.
    ProcessedFramePtr latest = frames.front();
    auto area = [](const ProcessedFramePtr& f) { return qint64(f->size.width()) * f->size.height(); };
    for (const ProcessedFramePtr& f : frames) {
        const bool jpegFirst = !f->jpeg.isEmpty() && latest->jpeg.isEmpty();
        const bool sameKindLarger = f->jpeg.isEmpty() == latest->jpeg.isEmpty() && area(f) > area(latest);
        if (jpegFirst || sameKindLarger)
            latest = f;
    }
    // Under the same lock as removeSink: a removed sink is never called again. A sink added while
    // this frame was processed gets the next one.
    std::lock_guard lock(m_mutex);
    m_latest = latest;
    for (const auto& [sink, index] : targets)
        if (std::find(m_sinks.begin(), m_sinks.end(), sink) != m_sinks.end())
            sink->deliver(frames[index]);
}

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
