#include "headless_runner.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QSocketNotifier>
#include <csignal>
#include <cstdio>
#include <sys/socket.h>
#include <unistd.h>

#include "common/detection_json.h"
#include "common/redact.h"
#include "config/app_settings.h"
#include "events/event_service.h"
#include "pipeline/camera.h"
#include "pipeline/pipeline.h"

namespace vigil {

namespace {
// Everything printed goes through the one redaction: URLs and reasons may carry secrets.
void printErr(const QString& line)
{
    std::fprintf(stderr, "%s\n", qPrintable(redactedText(line)));
    std::fflush(stderr);
}

// Ctrl+C / SIGTERM end the run cleanly through the event loop.
int g_signalFd[2] = {-1, -1};
void onSignal(int)
{
    const char c = 1;
    [[maybe_unused]] const auto n = ::write(g_signalFd[1], &c, 1);
}
} // namespace

HeadlessRunner::HeadlessRunner(const CliOptions& options, QObject* parent)
    : QObject(parent), m_options(options), m_reportTimer(this)
{
}

HeadlessRunner::~HeadlessRunner() = default;  // the pipeline shuts down in its one order

bool HeadlessRunner::loadConfigFile(AppSettings* settings)
{
    const QString path = m_options.configPath;
    const AppSettingsRead read = readAppSettings(path);
    if (!read.exists) {
        printErr(QStringLiteral("Configuration %1 not found.").arg(path));
        return false;
    }
    if (!read.readError.isEmpty()) {
        printErr(QStringLiteral("Could not read the configuration %1: %2").arg(path, read.readError));
        return false;
    }
    for (const QString& problem : read.problems)
        printErr(QStringLiteral("Configuration %1: %2").arg(path, problem));
    if (!read.parsed)
        return false;
    for (const CameraConfig& c : read.settings.cameras)
        for (const CameraConfig& cli : std::as_const(m_options.overrides.cameras))
            if (cli.id == c.id) {
                printErr(QStringLiteral("--camera %1 has the same id as a camera in %2").arg(c.id, path));
                return false;
            }
    printErr(QStringLiteral("Configuration %1: %2 camera(s)").arg(path).arg(read.settings.cameras.size()));
    *settings = read.settings;
    return true;
}

void HeadlessRunner::watch(Camera* cam)
{
    connect(cam, &Camera::detectorStatusChanged, this, [cam](const QString& status) {
        if (!status.isEmpty())
            printErr(QStringLiteral("[%1] detector: %2").arg(cam->id(), status));
    });
    const QString status = cam->detectorStatus();
    if (!status.isEmpty())
        printErr(QStringLiteral("[%1] detector: %2").arg(cam->id(), status));
}

bool HeadlessRunner::start()
{
    AppSettings settings;
    if (!m_options.configPath.isEmpty() && !loadConfigFile(&settings))
        return false;
    PipelineOverrides overrides = m_options.overrides;
    overrides.applyToSettingsCameras = true;  // the file is only read: the command line wins
    m_pipeline = std::make_unique<Pipeline>(settings, overrides);
    // One line per camera event: the state change (the reader's own info lines said the same).
    connect(m_pipeline.get(), &Pipeline::cameraStateChanged, this,
            [](Camera* cam, CameraState s, const QString& reason) {
                printErr(QStringLiteral("[%1] %2%3").arg(cam->id(), stateName(s),
                                                         reason.isEmpty() ? QString() : ": " + reason));
            });
    connect(m_pipeline.get(), &Pipeline::cameraAdded, this, &HeadlessRunner::watch);
    if (EventService* events = m_pipeline->events()) {
        // One line when an event starts and one when it ends; the rest is in the store and the API.
        connect(events, &EventService::eventChanged, this, [](const QString& kind, const QJsonObject& e) {
            if (kind == "new")
                printErr(QStringLiteral("[%1] event %2: %3 (%4)").arg(e["camera"].toString(), e["id"].toString(),
                                                                      e["label"].toString(), "started"));
            else if (kind == "end")
                printErr(QStringLiteral("[%1] event %2: %3 (ended after %4 s)")
                             .arg(e["camera"].toString(), e["id"].toString(), e["label"].toString())
                             .arg(e["end_time"].toDouble() - e["start_time"].toDouble(), 0, 'f', 1));
        }, Qt::QueuedConnection);
    }
    m_pipeline->start();
    for (const QString& problem : m_pipeline->startProblems())
        printErr(problem);
    if (EventService* events = m_pipeline->events(); events && events->status().isEmpty())
        printErr(QStringLiteral("Recording events in %1").arg(events->folder()));
    // Remote nodes bring their cameras once they answer.
    if (m_pipeline->cameras().isEmpty() && m_pipeline->remoteNodes().isEmpty()) {
        printErr(m_options.configPath.isEmpty()
                     ? QStringLiteral("No camera to run.")
                     : QStringLiteral("No camera to run: %1 has none. Add cameras in the desktop app "
                                      "(vigil --config %1) or with --camera URL.").arg(m_options.configPath));
        return false;
    }
    if (m_pipeline->rebroadcastRunning())
        printErr(QStringLiteral("Rebroadcasting on %1").arg(redactedUrlString(m_pipeline->rebroadcastUrl())));

    connect(&m_reportTimer, &QTimer::timeout, this, &HeadlessRunner::report);
    m_reportTimer.start(1000);
    return true;
}

void HeadlessRunner::report()
{
    for (Camera* cam : m_pipeline->cameras()) {
        const StatsSnapshot s = cam->stats();
        const CameraConfig c = cam->config();
        quint64& last = m_lastLogged[c.id];
        if (s.processed / 50 != last / 50) {
            last = s.processed;
            printErr(QStringLiteral("[%1] Processed %2 frames | Read %3 total | Skipped %4 (stride) | "
                                    "Skipped %5 (FPS limit) | Superseded %6 | %7 FPS out")
                         .arg(c.id)
                         .arg(s.processed)
                         .arg(s.read)
                         .arg(s.skippedStride)
                         .arg(s.droppedThrottle)
                         .arg(s.superseded)
                         .arg(s.outFps, 0, 'f', 1));
        }
        if (!m_options.statsJson)
            continue;
        QJsonObject o = s.toJson();
        o.insert("camera", c.id);
        o.insert("url", redactedUrlString(c.url));
        o.insert("state", stateName(cam->state()));
        o.insert("reason", redactedText(cam->stateReason()));
        o.insert("ts", QDateTime::currentMSecsSinceEpoch());
        o.insert("skip_frames", c.skipFrames);
        o.insert("fps", c.maxFps);
        o.insert("detector", c.detects() ? redactedText(cam->detectorStatus()) : QStringLiteral("off"));
        QJsonArray dets;
        if (const ProcessedFramePtr f = cam->latestFrame()) {
            o.insert("seq", double(f->seq));
            dets = detectionsJson(f->detections);
        }
        o.insert("detections", dets);
        const EventService::CameraCounts counts =
            m_pipeline->events() ? m_pipeline->events()->counts(c.id) : EventService::CameraCounts{};
        o.insert("tracked", counts.tracked);
        o.insert("events", double(counts.events));
        std::fputs(QJsonDocument(o).toJson(QJsonDocument::Compact).constData(), stdout);
        std::fputc('\n', stdout);
    }
    std::fflush(stdout);
}

int runHeadless(const CliOptions& options)
{
    // Camera events are printed once, from the camera's state (see HeadlessRunner::start); the
    // reader's own info lines would repeat them. Warnings still show. Set whatever the
    // environment says: QT_LOGGING_RULES is applied after these rules, so it wins only for what it
    // names (e.g. "vigil.*.debug=false" must not bring the doubled lines back).
    QLoggingCategory::setFilterRules(QStringLiteral("vigil.reader.info=false"));
    int status = 0;
    {
        HeadlessRunner runner(options);
        if (!runner.start())
            return 1;
        if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalFd) == 0) {
            auto* notifier = new QSocketNotifier(g_signalFd[0], QSocketNotifier::Read, &runner);
            QObject::connect(notifier, &QSocketNotifier::activated, qApp, &QCoreApplication::quit);
            std::signal(SIGINT, onSignal);
            std::signal(SIGTERM, onSignal);
        }
        if (options.durationS > 0)
            QTimer::singleShot(int(options.durationS * 1000), qApp, &QCoreApplication::quit);
        status = QCoreApplication::exec();
    }
    // Readers of the cameras just destroyed finish on their own threads: let them, briefly.
    Camera::waitForFinishedReaders(QDeadlineTimer(3000));
    return status;
}

} // namespace vigil
