#include "pipeline/pipeline.h"

#include <QHostAddress>
#include <QRegularExpression>

#include "common/log.h"
#include "common/redact.h"
#include "demo/demo_camera.h"
#include "events/event_service.h"
#include "mqtt/mqtt_service.h"
#include "processing/processing_scheduler.h"
#include "rebroadcast/rebroadcast_server.h"
#include "remote/remote_node.h"

namespace vigil {

Pipeline::Pipeline(const AppSettings& settings, const PipelineOverrides& overrides, QObject* parent)
    : QObject(parent), m_settings(settings), m_overrides(overrides),
      m_rebroadcastOverridden(overrides.rebroadcastGiven()),
      m_mqttOverridden(overrides.mqttGiven()),
      m_scheduler(std::make_unique<ProcessingScheduler>(overrides.workers)),
      m_lightScheduler(std::make_unique<ProcessingScheduler>(0, ProcessingScheduler::Kind::Light))
{
    qRegisterMetaType<vigil::CameraState>("vigil::CameraState");
    qRegisterMetaType<vigil::MqttState>("vigil::MqttState");
    if (m_settings.events.enabled) {
        EventService::Options o;
        o.settings = m_settings.events;
        if (!m_overrides.eventsDir.isEmpty())
            o.settings.folder = m_overrides.eventsDir;
        m_events = std::make_unique<EventService>(o);
    }
}

Pipeline::~Pipeline() { shutdown(); }

void Pipeline::start()
{
    if (m_events) {
        QString error;
        if (!m_events->start(&error))
            m_startProblems << QStringLiteral("Events: recording off: %1").arg(error);
    }
    for (CameraConfig c : std::as_const(m_settings.cameras))
        addCamera(m_overrides.applyToSettingsCameras ? applyOverrides(c, m_overrides) : c);
    for (const CameraConfig& c : std::as_const(m_overrides.cameras))
        addCamera(applyOverrides(c, m_overrides));
    if (m_overrides.demo) {
        QString error;
        if (!startDemo(&error))
            m_startProblems << QStringLiteral("Demo camera: %1").arg(error);
    }
    if (effectiveRebroadcastSettings().rebroadcastEnabled && !restartRebroadcast())
        m_startProblems << QStringLiteral("Rebroadcast: %1").arg(m_rebroadcastError);
    if (effectiveMqttSettings().enabled && !restartMqtt())
        m_startProblems << QStringLiteral("MQTT: enabled without a broker host");
    const QList<RemoteNodeConfig> nodes = m_settings.remoteNodes;
    m_settings.remoteNodes.clear();  // addRemoteNode() puts back each that starts
    for (const RemoteNodeConfig& node : nodes) {
        QString error;
        if (!addRemoteNode(node, &error))
            m_startProblems << QStringLiteral("Remote node %1: %2").arg(node.name, error);
    }
}

void Pipeline::shutdown()
{
    if (m_shutDown)
        return;
    m_shutDown = true;
    // 0. MQTT says "offline" while the cameras still exist; their retained topics stay.
    if (m_mqtt) {
        m_mqtt->stop();
        m_mqtt.reset();
    }
    // 0b. Remote nodes stop polling and mirroring; their cameras go like any below.
    const QList<RemoteNode*> nodes = m_remoteNodes;
    m_remoteNodes.clear();
    qDeleteAll(nodes);
    // 1. The server stops taking frames and forgets the cameras.
    if (m_server) {
        for (Camera* c : std::as_const(m_cameras))
            m_server->removeCamera(c);
        m_server->stop();
        m_server.reset();
    }
    // 2. Events in progress end and are stored; clips finish.
    if (m_events) {
        for (Camera* c : std::as_const(m_cameras))
            m_events->removeCamera(c);
        m_events->stop();
    }
    // 3. Cameras detach from the schedulers; their readers finish on their own threads.
    const QList<Camera*> cameras = m_cameras;
    m_cameras.clear();
    for (Camera* c : cameras) {
        emit cameraRemoved(c->id());
        delete c;
    }
    // 4. The demo camera's server, then 5. the workers (light, then inference).
    m_demo.reset();
    m_lightScheduler.reset();
    m_scheduler.reset();
}

void Pipeline::setSettings(const AppSettings& settings)
{
    const AppSettings before = effectiveRebroadcastSettings();
    const bool rebroadcastEdited = settings.rebroadcastEnabled != m_settings.rebroadcastEnabled
        || settings.rebroadcastBind != m_settings.rebroadcastBind
        || settings.rebroadcastPort != m_settings.rebroadcastPort
        || settings.rebroadcastToken != m_settings.rebroadcastToken;
    const bool limitsChanged = settings.limits != m_settings.limits;
    const bool mqttEdited = settings.mqtt != m_settings.mqtt;
    const QList<CameraConfig> cameras = m_settings.cameras;
    const QList<RemoteNodeConfig> nodes = m_settings.remoteNodes;  // changed by add/removeRemoteNode only
    m_settings = settings;
    m_settings.cameras = cameras;
    m_settings.remoteNodes = nodes;
    if (rebroadcastEdited)
        m_rebroadcastOverridden = false;  // the user's explicit choice wins over the command line
    if (limitsChanged)
        for (Camera* c : std::as_const(m_cameras))
            c->setConfig(withLimits(c->config()));
    if (mqttEdited) {
        m_mqttOverridden = false;  // as with rebroadcast: the user's choice wins
        restartMqtt();
    }
    const AppSettings after = effectiveRebroadcastSettings();
    const bool serverChanged = rebroadcastEdited || after.limits.server != before.limits.server;
    if (!serverChanged)
        return;
    if (after.rebroadcastEnabled)
        restartRebroadcast();
    else
        stopRebroadcast();
}

Camera* Pipeline::camera(const QString& id) const
{
    for (Camera* c : m_cameras)
        if (c->id() == id)
            return c;
    return nullptr;
}

QString Pipeline::uniqueId(const QString& wanted) const
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

CameraConfig Pipeline::withLimits(CameraConfig config) const
{
    config.captureLimits = m_settings.limits.capture;
    if (config.maxJpegSize.isValid())
        config.captureLimits.maxJpegSize = config.maxJpegSize;
    return config;
}

Camera* Pipeline::addCamera(CameraConfig config)
{
    if (m_shutDown)
        return nullptr;
    config.id = uniqueId(config.id.isEmpty() ? config.displayName() : config.id);
    auto* cam = new Camera(withLimits(config), m_scheduler.get(), m_lightScheduler.get(), this);
    m_cameras.append(cam);
    connect(cam, &Camera::stateChanged, this,
            [this, cam](CameraState s, const QString& reason) { emit cameraStateChanged(cam, s, reason); });
    cam->start();
    if (m_events && !config.isRemote())  // a remote camera's events come from its node
        m_events->addCamera(cam);
    if (m_server)
        m_server->addCamera(cam);
    emit cameraAdded(cam);
    return cam;
}

bool Pipeline::updateCamera(const QString& id, CameraConfig config)
{
    Camera* cam = camera(id);
    if (!cam)
        return false;
    config.id = id;
    cam->setConfig(withLimits(config));
    if (m_events)
        m_events->updateCamera(cam);
    emit cameraUpdated(cam);
    return true;
}

bool Pipeline::setGate(const QString& id, int skipFrames, double maxFps)
{
    Camera* cam = camera(id);
    if (!cam)
        return false;
    const CameraConfig c = cam->config();
    if (c.skipFrames != skipFrames)
        cam->setSkipFrames(skipFrames);
    if (c.maxFps != maxFps)
        cam->setMaxFps(maxFps);
    emit cameraUpdated(cam);
    return true;
}

bool Pipeline::removeCamera(const QString& id)
{
    Camera* cam = camera(id);
    if (!cam)
        return false;
    m_cameras.removeOne(cam);
    if (m_server)
        m_server->removeCamera(cam);
    if (m_events)
        m_events->removeCamera(cam);  // its events end and stay stored
    emit cameraRemoved(id);  // views drop their sinks before the camera goes
    delete cam;
    return true;
}

Camera* Pipeline::startDemo(QString* error)
{
    if (m_shutDown)
        return nullptr;
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
    return addCamera(applyOverrides(c, m_overrides));
}

RemoteNode* Pipeline::addRemoteNode(const RemoteNodeConfig& config, QString* error)
{
    auto fail = [error](const QString& why) {
        if (error)
            *error = why;
        return nullptr;
    };
    if (m_shutDown)
        return fail(QStringLiteral("shutting down"));
    if (const QString why = config.validate(); !why.isEmpty())
        return fail(why);
    if (remoteNode(config.name))
        return fail(QStringLiteral("a remote node named \"%1\" exists already").arg(config.name));
    if (m_remoteNodes.size() >= kMaxRemoteNodes)
        return fail(QStringLiteral("at most %1 remote nodes").arg(kMaxRemoteNodes));
    auto* node = new RemoteNode(config, this, this);
    m_remoteNodes.append(node);
    m_settings.remoteNodes.append(config);
    node->start();
    emit remoteNodesChanged();
    return node;
}

bool Pipeline::removeRemoteNode(const QString& name)
{
    RemoteNode* node = remoteNode(name);
    if (!node)
        return false;
    m_remoteNodes.removeOne(node);
    m_settings.remoteNodes.removeIf([&](const RemoteNodeConfig& c) { return c.name.compare(name, Qt::CaseInsensitive) == 0; });
    delete node;  // removes its cameras
    emit remoteNodesChanged();
    return true;
}

QList<RemoteNode*> Pipeline::remoteNodes() const { return m_remoteNodes; }

RemoteNode* Pipeline::remoteNodeOfEvent(const QString& eventId) const
{
    for (RemoteNode* n : m_remoteNodes)
        if (!n->remoteEventId(eventId).isEmpty())
            return n;
    return nullptr;
}

RemoteNode* Pipeline::remoteNode(const QString& name) const
{
    for (RemoteNode* n : m_remoteNodes)
        if (n->name().compare(name, Qt::CaseInsensitive) == 0)
            return n;
    return nullptr;
}

AppSettings Pipeline::effectiveRebroadcastSettings() const
{
    return m_rebroadcastOverridden ? applyRebroadcastOverrides(m_settings, m_overrides) : m_settings;
}

bool Pipeline::restartRebroadcast()
{
    stopRebroadcast();
    const AppSettings s = effectiveRebroadcastSettings();
    RebroadcastOptions options;
    const QString bind = s.rebroadcastBind.isEmpty() ? QStringLiteral("127.0.0.1") : s.rebroadcastBind;
    if (!options.address.setAddress(bind)) {
        m_rebroadcastError = QStringLiteral("\"%1\" is not an IP address to listen on").arg(bind);
    } else {
        options.port = quint16(s.rebroadcastPort);
        options.token = s.rebroadcastToken;
        options.limits = s.limits.server;
        auto server = std::make_unique<RebroadcastServer>();
        QString error;
        if (server->start(options, &error)) {
            connect(server.get(), &RebroadcastServer::clientsChanged, this, &Pipeline::rebroadcastChanged);
            for (Camera* c : std::as_const(m_cameras))
                server->addCamera(c);
            server->setEventService(m_events.get());  // null when events are off; the server goes first at shutdown
            server->setMqttStatusBoard(m_mqttBoard);
            m_server = std::move(server);
        } else {
            m_rebroadcastError = redactedText(error);
        }
    }
    if (!m_rebroadcastError.isEmpty())
        qCWarning(lcApp).noquote() << "Rebroadcast:" << m_rebroadcastError;
    emit rebroadcastChanged();
    return m_server != nullptr;
}

void Pipeline::stopRebroadcast()
{
    m_rebroadcastError.clear();
    if (!m_server)
        return;
    for (Camera* c : std::as_const(m_cameras))
        m_server->removeCamera(c);
    m_server->stop();
    m_server.reset();
    emit rebroadcastChanged();
}

bool Pipeline::rebroadcastRunning() const { return m_server && m_server->isRunning(); }
QUrl Pipeline::rebroadcastUrl() const { return m_server ? m_server->viewerUrl() : QUrl(); }
int Pipeline::rebroadcastClients() const { return m_server ? m_server->clientCount() : 0; }

MqttSettings Pipeline::effectiveMqttSettings() const
{
    return m_mqttOverridden ? applyMqttOverrides(m_settings.mqtt, m_overrides) : m_settings.mqtt;
}

MqttStatus Pipeline::mqttStatus() const { return m_mqtt ? m_mqtt->status() : MqttStatus{}; }

bool Pipeline::restartMqtt()
{
    const bool wasRunning = m_mqtt != nullptr;
    if (m_mqtt) {
        m_mqtt->stop();
        m_mqtt.reset();
    }
    const MqttSettings s = effectiveMqttSettings();
    if (m_shutDown || !s.enabled || s.host.isEmpty()) {
        if (wasRunning)
            emit mqttStateChanged(MqttState::Off, {});
        return m_shutDown || !s.enabled;
    }
    m_mqtt = std::make_unique<MqttService>(this, s, m_mqttBoard);
    connect(m_mqtt.get(), &MqttService::stateChanged, this, &Pipeline::mqttStateChanged);
    m_mqtt->start();
    return true;
}

} // namespace vigil
