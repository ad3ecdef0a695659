#include "headless_runner.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSocketNotifier>
#include <csignal>
#include <cstdio>
#include <sys/socket.h>
#include <unistd.h>

#include "config/app_settings.h"
#include "pipeline/camera.h"
#include "demo/demo_camera.h"
#include "common/log.h"
#include "common/redact.h"
#include "processing/processing_scheduler.h"
#include "rebroadcast/rebroadcast_server.h"

namespace vigil {

namespace {
void printErr(const QString& line)
{
    std::fprintf(stderr, "%s\n", qPrintable(line));
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

HeadlessRunner::~HeadlessRunner()
{
    if (m_server)
        for (auto& c : m_cameras)
            m_server->removeCamera(c.get());
    m_server.reset();
    m_cameras.clear();  // before the scheduler they attach to
    m_scheduler.reset();
}

bool HeadlessRunner::loadConfigFile(QList<CameraConfig>* cameras)
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

    // The file's cameras keep their own settings unless the command line says otherwise.
    for (CameraConfig c : read.settings.cameras) {
        if (m_options.skipFrames > 0)
            c.skipFrames = m_options.skipFrames;
        if (m_options.maxFps > 0)
            c.maxFps = m_options.maxFps;
        if (!m_options.detection)
            c.detectionEnabled = false;
        if (m_options.detectorGiven)
            c.detector = m_options.detector;
        for (const CameraConfig& cli : std::as_const(m_options.cameras))
            if (cli.id == c.id) {
                printErr(QStringLiteral("--camera %1 has the same id as a camera in %2").arg(c.id, path));
                return false;
            }
        *cameras << c;
    }
    printErr(QStringLiteral("Configuration %1: %2 camera(s)").arg(path).arg(read.settings.cameras.size()));

    const AppSettings& s = read.settings;
    if (m_options.wsPort < 0 && s.rebroadcastEnabled) {
        m_options.wsPort = s.rebroadcastPort;
        if (m_options.wsBind.isEmpty())
            m_options.wsBind = s.rebroadcastBind;
        if (m_options.wsToken.isEmpty())
            m_options.wsToken = s.rebroadcastToken;
    }
    return true;
}

bool HeadlessRunner::start()
{
    m_scheduler = std::make_unique<ProcessingScheduler>(m_options.workers);
    QList<CameraConfig> configs;
    if (!m_options.configPath.isEmpty() && !loadConfigFile(&configs))
        return false;
    configs += m_options.cameras;
    if (m_options.demo) {
        m_demo = std::make_unique<DemoCamera>();
        QString error;
        if (!m_demo->start(&error)) {
            printErr(QStringLiteral("Demo camera: %1").arg(error));
        } else {
            CameraConfig c;
            c.id = QString::fromLatin1(DemoCamera::kDefaultId);
            c.name = QStringLiteral("Demo camera");
            c.url = m_demo->url();
            if (m_options.skipFrames > 0)
                c.skipFrames = m_options.skipFrames;
            if (m_options.maxFps > 0)
                c.maxFps = m_options.maxFps;
            c.detectionEnabled = m_options.detection;
            c.detector = m_options.detector;
            configs << c;
        }
    }
    if (configs.isEmpty()) {
        printErr(m_options.configPath.isEmpty()
                     ? QStringLiteral("No camera to run.")
                     : QStringLiteral("No camera to run: %1 has none. Add cameras in the desktop app "
                                      "(vigil --config %1) or with --camera URL.").arg(m_options.configPath));
        return false;
    }
    for (const CameraConfig& c : std::as_const(configs)) {
        auto cam = std::make_unique<Camera>(c, m_scheduler.get());
        Camera* raw = cam.get();
        connect(raw, &Camera::stateChanged, this, [raw](CameraState s, const QString& reason) {
            printErr(QStringLiteral("[%1] %2%3").arg(raw->id(), stateName(s),
                                                      reason.isEmpty() ? QString() : ": " + reason));
        });
        connect(raw, &Camera::detectorStatusChanged, this, [raw](const QString& status) {
            if (!status.isEmpty())
                printErr(QStringLiteral("[%1] detector: %2").arg(raw->id(), status));
        });
        const QString status = raw->detectorStatus();
        if (!status.isEmpty())
            printErr(QStringLiteral("[%1] detector: %2").arg(raw->id(), status));
        m_cameras.push_back(std::move(cam));
    }
    m_lastLogged.assign(m_cameras.size(), 0);

    if (m_options.wsPort >= 0) {
        m_server = std::make_unique<RebroadcastServer>();
        RebroadcastOptions ro;
        if (!m_options.wsBind.isEmpty())
            ro.address = QHostAddress(m_options.wsBind);
        ro.port = quint16(m_options.wsPort);
        ro.token = m_options.wsToken;
        QString error;
        if (ro.address.isNull()) {
            printErr(QStringLiteral("Rebroadcast: \"%1\" is not an IP address").arg(m_options.wsBind));
            m_server.reset();
        } else if (!m_server->start(ro, &error)) {
            printErr(QStringLiteral("Rebroadcast: %1").arg(error));
            m_server.reset();
        } else {
            for (auto& c : m_cameras)
                m_server->addCamera(c.get());
            printErr(QStringLiteral("Rebroadcasting on %1").arg(m_server->viewerUrl().toString()));
        }
    }

    for (auto& c : m_cameras)
        c->start();
    connect(&m_reportTimer, &QTimer::timeout, this, &HeadlessRunner::report);
    m_reportTimer.start(1000);
    return true;
}

void HeadlessRunner::report()
{
    for (size_t i = 0; i < m_cameras.size(); ++i) {
        Camera& cam = *m_cameras[i];
        const StatsSnapshot s = cam.stats();
        const CameraConfig c = cam.config();
        if (s.processed / 50 != m_lastLogged[i] / 50) {
            m_lastLogged[i] = s.processed;
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
        o.insert("state", stateName(cam.state()));
        o.insert("reason", cam.stateReason());
        o.insert("ts", QDateTime::currentMSecsSinceEpoch());
        o.insert("skip_frames", c.skipFrames);
        o.insert("fps", c.maxFps);
        o.insert("detector", c.detectionEnabled ? cam.detectorStatus() : QStringLiteral("off"));
        QJsonArray dets;
        if (const ProcessedFramePtr f = cam.latestFrame()) {
            o.insert("seq", double(f->seq));
            for (const Detection& d : f->detections)
                dets.append(QJsonObject{
                    {"name", d.name},
                    {"score", std::round(d.score * 1000) / 1000.0},
                    {"box", QJsonArray{std::round(d.box.x()), std::round(d.box.y()),
                                       std::round(d.box.width()), std::round(d.box.height())}}});
        }
        o.insert("detections", dets);
        std::fputs(QJsonDocument(o).toJson(QJsonDocument::Compact).constData(), stdout);
        std::fputc('\n', stdout);
    }
    std::fflush(stdout);
}

int runHeadless(const CliOptions& options)
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
    return QCoreApplication::exec();
}

} // namespace vigil
