#include "camera_manager.h"

#include <QRegularExpression>

#include "demo/demo_camera.h"
#include "common/log.h"
#include "rebroadcast_link.h"

namespace vigil {

CameraManager::CameraManager(const QString& configPath, int workers, QObject* parent)
    : QObject(parent),
      m_configPath(configPath.isEmpty() ? AppSettings::defaultPath() : configPath),
      m_scheduler(std::make_unique<ProcessingScheduler>(workers))
{
    m_saveTimer.setSingleShot(true);
    m_saveTimer.setInterval(400);
    connect(&m_saveTimer, &QTimer::timeout, this, [this] { saveNow(); });
    m_rebroadcast = new RebroadcastLink(this);
    connect(m_rebroadcast, &RebroadcastLink::changed, this, &CameraManager::rebroadcastChanged);
}

CameraManager::~CameraManager()
{
    if (m_saveTimer.isActive())
        saveNow();
    // Cameras detach from the scheduler and the rebroadcast server before either goes away.
    const QList<Camera*> cams = m_cameras;
    m_cameras.clear();
    for (Camera* c : cams)
        m_rebroadcast->removeCamera(c);
    delete m_rebroadcast;
    m_rebroadcast = nullptr;
    qDeleteAll(cams);
    m_demo.reset();
    m_scheduler.reset();
}

QString CameraManager::load()
{
    AppSettingsLoad loaded = loadAppSettings(m_configPath);
    m_settings = loaded.settings;
    m_firstLaunch = loaded.firstLaunch;
    const QList<CameraConfig> configs = m_settings.cameras;
    for (const CameraConfig& c : configs)
        addCamera(c, true);
    applyRebroadcast();
    return loaded.message;
}

void CameraManager::setSettings(const AppSettings& settings)
{
    const bool rebroadcastChanged = settings.rebroadcastEnabled != m_settings.rebroadcastEnabled
        || settings.rebroadcastBind != m_settings.rebroadcastBind
        || settings.rebroadcastPort != m_settings.rebroadcastPort
        || settings.rebroadcastToken != m_settings.rebroadcastToken;
    const QList<CameraConfig> cameras = m_settings.cameras;
    m_settings = settings;
    m_settings.cameras = cameras;
    if (rebroadcastChanged) {
        m_haveOverride = false;  // the user's explicit choice wins over the command line
        applyRebroadcast();
    }
    scheduleSave();
}

void CameraManager::setWindowState(const QByteArray& geometry, const QByteArray& state)
{
    if (m_settings.windowGeometry == geometry && m_settings.windowState == state)
        return;
    m_settings.windowGeometry = geometry;
    m_settings.windowState = state;
    saveNow();
}

Camera* CameraManager::camera(const QString& id) const
{
    for (Camera* c : m_cameras)
        if (c->id() == id)
            return c;
    return nullptr;
}

QString CameraManager::uniqueId(const QString& wanted) const
{
    static const QRegularExpression bad(QStringLiteral("[^a-z0-9_-]+"));
    QString base = wanted.trimmed().toLower();
    base.replace(bad, QStringLiteral("-"));
    while (base.startsWith('-'))
        base.remove(0, 1);
    while (base.endsWith('-'))
        base.chop(1);
    if (base.isEmpty())
        base = QStringLiteral("cam");
    QString id = base;
    for (int i = 2; camera(id); ++i)
        id = base + QString::number(i);
    return id;
}

Camera* CameraManager::addCamera(CameraConfig config, bool persist)
{
    config.id = uniqueId(config.id.isEmpty() ? config.displayName() : config.id);
    auto* cam = new Camera(config, m_scheduler.get(), this);
    m_cameras.append(cam);
    if (persist) {
        m_persistent.insert(config.id);
        m_settings.cameras = {};
        for (Camera* c : m_cameras)
            if (m_persistent.contains(c->id()))
                m_settings.cameras.append(persistedConfig(c));
        scheduleSave();
    }
    cam->start();
    m_rebroadcast->addCamera(cam);
    emit cameraAdded(cam);
    return cam;
}

CameraConfig CameraManager::persistedConfig(Camera* camera) const
{
    CameraConfig c = camera->config();
    c.outputSize = {};  // follows the tile size: not a user setting
    return c;
}

void CameraManager::updateCamera(const QString& id, CameraConfig config)
{
    Camera* cam = camera(id);
    if (!cam)
        return;
    config.id = id;
    config.outputSize = cam->config().outputSize;
    cam->setConfig(config);
    scheduleSave();
    emit cameraUpdated(cam);
}

void CameraManager::setGate(const QString& id, int skipFrames, double maxFps)
{
    Camera* cam = camera(id);
    if (!cam)
        return;
    const CameraConfig c = cam->config();
    if (c.skipFrames != skipFrames)
        cam->setSkipFrames(skipFrames);
    if (c.maxFps != maxFps)
        cam->setMaxFps(maxFps);
    scheduleSave();
    emit cameraUpdated(cam);
}

void CameraManager::removeCamera(const QString& id)
{
    Camera* cam = camera(id);
    if (!cam)
        return;
    m_cameras.removeOne(cam);
    m_persistent.remove(id);
    m_rebroadcast->removeCamera(cam);
    emit cameraRemoved(id);  // views drop their sinks before the camera goes
    delete cam;
    scheduleSave();
}

Camera* CameraManager::startDemo(QString* error)
{
    if (!m_demo) {
        auto demo = std::make_unique<DemoCamera>();
        QString why;
        if (!demo->start(&why)) {
            if (error)
                *error = why.isEmpty() ? QStringLiteral("the demo server could not start") : why;
            return nullptr;
        }
        m_demo = std::move(demo);
    }
    CameraConfig c;
    c.id = QString::fromLatin1(DemoCamera::kDefaultId);
    c.name = QStringLiteral("Demo camera");
    c.url = m_demo->url();
    c.skipFrames = m_settings.defaultSkipFrames;
    c.maxFps = m_settings.defaultMaxFps;
    return addCamera(c, false);
}

void CameraManager::scheduleSave()
{
    m_saveTimer.start();
}

bool CameraManager::saveNow(QString* error)
{
    m_saveTimer.stop();
    AppSettings s = m_settings;
    s.cameras.clear();
    for (Camera* c : m_cameras)
        if (m_persistent.contains(c->id()))
            s.cameras.append(persistedConfig(c));
    m_settings.cameras = s.cameras;
    QString why;
    if (!saveAppSettings(s, m_configPath, &why)) {
        qCWarning(lcApp).noquote() << why;
        if (error)
            *error = why;
        emit saveFailed(why);
        return false;
    }
    return true;
}

void CameraManager::overrideRebroadcast(int port, const QString& bind, const QString& token)
{
    m_rebroadcastOverride = m_settings;
    if (port >= 0) {
        m_rebroadcastOverride.rebroadcastEnabled = true;
        m_rebroadcastOverride.rebroadcastPort = port;
    }
    if (!bind.isEmpty())
        m_rebroadcastOverride.rebroadcastBind = bind;
    if (!token.isEmpty())
        m_rebroadcastOverride.rebroadcastToken = token;
    m_haveOverride = true;
    applyRebroadcast();
}

void CameraManager::applyRebroadcast()
{
    const AppSettings& s = m_haveOverride ? m_rebroadcastOverride : m_settings;
    m_rebroadcastError.clear();
    m_rebroadcast->stop();
    if (s.rebroadcastEnabled) {
        QString why;
        if (!m_rebroadcast->start(s.rebroadcastBind, quint16(s.rebroadcastPort), s.rebroadcastToken, m_cameras, &why)) {
            m_rebroadcastError = why;
            qCWarning(lcApp).noquote() << "Rebroadcast:" << why;
        }
    }
    emit rebroadcastChanged();
}

bool CameraManager::rebroadcastAvailable() const { return RebroadcastLink::available(); }
bool CameraManager::rebroadcastRunning() const { return m_rebroadcast && m_rebroadcast->isRunning(); }
QString CameraManager::rebroadcastUrl() const { return m_rebroadcast ? m_rebroadcast->viewerUrl() : QString(); }
int CameraManager::rebroadcastClients() const { return m_rebroadcast ? m_rebroadcast->clientCount() : 0; }

} // namespace vigil
