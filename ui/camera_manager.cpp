#include "camera_manager.h"

#include "common/log.h"
#include "remote/remote_node.h"

namespace vigil {

CameraManager::CameraManager(const QString& configPath, const PipelineOverrides& overrides, QObject* parent)
    : QObject(parent),
      m_configPath(configPath.isEmpty() ? AppSettings::defaultPath() : configPath),
      m_overrides(overrides)
{
    m_overrides.applyToSettingsCameras = false;  // saved cameras stay as saved
    m_saveTimer.setSingleShot(true);
    m_saveTimer.setInterval(400);
    connect(&m_saveTimer, &QTimer::timeout, this, [this] { saveNow(); });
}

CameraManager::~CameraManager()
{
    if (m_saveTimer.isActive())
        saveNow();
    m_pipeline.reset();  // its shutdown order
}

QString CameraManager::load()
{
    AppSettingsLoad loaded = loadAppSettings(m_configPath);
    m_settings = loaded.settings;
    m_firstLaunch = loaded.firstLaunch;
    m_pipeline = std::make_unique<Pipeline>(m_settings, m_overrides);
    Pipeline* p = m_pipeline.get();
    connect(p, &Pipeline::cameraAdded, this, &CameraManager::onCameraAdded);
    connect(p, &Pipeline::cameraRemoved, this, &CameraManager::cameraRemoved);
    connect(p, &Pipeline::cameraUpdated, this, &CameraManager::cameraUpdated);
    connect(p, &Pipeline::rebroadcastChanged, this, &CameraManager::rebroadcastChanged);
    connect(p, &Pipeline::remoteNodesChanged, this, &CameraManager::remoteNodesChanged);
    const int saved = int(m_settings.cameras.size());
    int started = 0;
    // The saved cameras come first; count them so the command line's are not marked persistent.
    auto conn = connect(p, &Pipeline::cameraAdded, this, [this, &started, saved](Camera* c) {
        if (started++ < saved)
            m_persistent.insert(c->id());
    });
    p->start();
    disconnect(conn);
    for (const QString& problem : p->startProblems())
        qCWarning(lcApp).noquote() << problem;
    return loaded.message;
}

QStringList CameraManager::startProblems() const
{
    return m_pipeline ? m_pipeline->startProblems() : QStringList();
}

void CameraManager::onCameraAdded(Camera* camera)
{
    emit cameraAdded(camera);
}

void CameraManager::setSettings(const AppSettings& settings)
{
    const QList<CameraConfig> cameras = m_settings.cameras;
    m_settings = settings;
    m_settings.cameras = cameras;
    if (m_pipeline)
        m_pipeline->setSettings(m_settings);
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

QList<Camera*> CameraManager::cameras() const { return m_pipeline ? m_pipeline->cameras() : QList<Camera*>(); }
Camera* CameraManager::camera(const QString& id) const { return m_pipeline ? m_pipeline->camera(id) : nullptr; }
QString CameraManager::uniqueId(const QString& wanted) const
{
    return m_pipeline ? m_pipeline->uniqueId(wanted) : wanted;
}

Camera* CameraManager::addCamera(CameraConfig config, bool persist)
{
    if (!m_pipeline)
        return nullptr;
    config.id = m_pipeline->uniqueId(config.id.isEmpty() ? config.displayName() : config.id);
    if (persist)
        m_persistent.insert(config.id);  // before cameraAdded reaches the views
    Camera* cam = m_pipeline->addCamera(config);
    if (persist)
        scheduleSave();
    return cam;
}

void CameraManager::updateCamera(const QString& id, CameraConfig config)
{
    if (m_pipeline && m_pipeline->updateCamera(id, config))
        scheduleSave();
}

void CameraManager::setGate(const QString& id, int skipFrames, double maxFps)
{
    if (m_pipeline && m_pipeline->setGate(id, skipFrames, maxFps))
        scheduleSave();
}

void CameraManager::removeCamera(const QString& id)
{
    if (!m_pipeline || !m_pipeline->removeCamera(id))
        return;
    m_persistent.remove(id);
    scheduleSave();
}

RemoteNode* CameraManager::addRemoteNode(const RemoteNodeConfig& config, QString* error)
{
    RemoteNode* node = m_pipeline ? m_pipeline->addRemoteNode(config, error) : nullptr;
    if (node)
        saveNow();
    return node;
}

bool CameraManager::removeRemoteNode(const QString& name)
{
    if (!m_pipeline || !m_pipeline->removeRemoteNode(name))
        return false;
    saveNow();
    return true;
}

QList<RemoteNode*> CameraManager::remoteNodes() const
{
    return m_pipeline ? m_pipeline->remoteNodes() : QList<RemoteNode*>();
}

Camera* CameraManager::startDemo(QString* error)
{
    return m_pipeline ? m_pipeline->startDemo(error) : nullptr;
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
    if (m_pipeline)
        s.remoteNodes = m_pipeline->settings().remoteNodes;  // the nodes, not their cameras
    for (Camera* c : cameras())
        if (m_persistent.contains(c->id()) && !c->config().isRemote()) {
            CameraConfig saved = c->config();
            saved.captureLimits = {};  // from the settings' limits, not a camera setting
            s.cameras.append(saved);
        }
    m_settings.cameras = s.cameras;
    m_settings.remoteNodes = s.remoteNodes;
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

bool CameraManager::rebroadcastRunning() const { return m_pipeline && m_pipeline->rebroadcastRunning(); }
QUrl CameraManager::rebroadcastUrl() const { return m_pipeline ? m_pipeline->rebroadcastUrl() : QUrl(); }
QString CameraManager::rebroadcastError() const { return m_pipeline ? m_pipeline->rebroadcastError() : QString(); }
int CameraManager::rebroadcastClients() const { return m_pipeline ? m_pipeline->rebroadcastClients() : 0; }

} // namespace vigil
