#include "mqtt/mqtt_service.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>

#include "events/event_service.h"
#include "events/event_store.h"
#include "mqtt/ha_discovery.h"
#include "mqtt/mqtt_client.h"
#include "mqtt/mqtt_log.h"
#include "mqtt/stats_document.h"
#include "pipeline/camera.h"
#include "pipeline/pipeline.h"

namespace vigil {

namespace {
QByteArray compact(const QJsonObject& o) { return QJsonDocument(o).toJson(QJsonDocument::Compact); }
QByteArray onOff(bool on) { return on ? QByteArrayLiteral("ON") : QByteArrayLiteral("OFF"); }
QByteArray number(double v) { return QByteArray::number(v, 'g', 6); }
} // namespace

MqttService::MqttService(Pipeline* pipeline, const MqttSettings& settings, std::shared_ptr<MqttStatusBoard> board,
                         QObject* parent)
    : QObject(parent), m_pipeline(pipeline), m_board(std::move(board)), m_settings(settings),
      m_topics{settings.topicPrefix}
{
    MqttClientOptions o;
    o.host = settings.host;
    o.port = settings.port;
    o.username = settings.username;
    o.password = settings.password;
    o.tls = settings.tls;
    o.caFile = settings.caFile;
    o.clientId = settings.effectiveClientId();
    o.availabilityTopic = m_topics.available();
    o.subscriptions << m_topics.commandFilter();
    if (settings.discovery)
        o.subscriptions << settings.discoveryPrefix + "/status";
    m_client = std::make_unique<MqttClient>(o);
    connect(m_client.get(), &MqttClient::stateChanged, this, &MqttService::stateChanged);
    connect(m_client.get(), &MqttClient::messageReceived, this, &MqttService::onMessage);
    m_motionTimer.setInterval(kMotionPollMs);
    connect(&m_motionTimer, &QTimer::timeout, this, &MqttService::pollMotion);
    m_statsTimer.setInterval(settings.statsIntervalS * 1000);
    connect(&m_statsTimer, &QTimer::timeout, this, &MqttService::publishStats);
}

MqttService::~MqttService() { stop(); }

void MqttService::start()
{
    if (m_started)
        return;
    m_started = true;
    qCInfo(lcMqtt).noquote() << QStringLiteral("MQTT: publishing to %1 under \"%2\" as %3")
                                    .arg(m_settings.displayUrl(), m_settings.topicPrefix, m_settings.effectiveClientId());
    MqttClient* client = m_client.get();
    if (m_board)
        m_board->setSource(this, [client] { return client->status(); });
    connect(m_pipeline, &Pipeline::cameraAdded, this, &MqttService::addCamera);
    connect(m_pipeline, &Pipeline::cameraRemoved, this, &MqttService::removeCamera);
    connect(m_pipeline, &Pipeline::cameraUpdated, this, &MqttService::updateCamera);
    connect(m_pipeline, &Pipeline::cameraStateChanged, this,
            [this](Camera* c, CameraState s, const QString&) { onCameraState(c, s); });
    if (EventService* events = m_pipeline->events()) {
        connect(events, &EventService::eventChanged, this, &MqttService::onEvent, Qt::QueuedConnection);
        connect(events, &EventService::liveCountsChanged, this, &MqttService::publishCounts, Qt::QueuedConnection);
    }
    if (m_settings.discovery) {
        const DiscoveryConfig node = nodeDiscovery(m_settings);
        m_client->publishState(node.topic, compact(node.config));
    }
    for (Camera* c : m_pipeline->cameras())
        addCamera(c);
    m_client->start();
    m_motionTimer.start();
    m_statsTimer.start();
}

void MqttService::stop()
{
    if (!m_started)
        return;
    m_started = false;
    m_motionTimer.stop();
    m_statsTimer.stop();
    disconnect(m_pipeline, nullptr, this, nullptr);
    if (EventService* events = m_pipeline->events())
        disconnect(events, nullptr, this, nullptr);
    if (m_board)
        m_board->withdraw(this);
    m_client->stop();
}

MqttStatus MqttService::status() const { return m_client->status(); }

void MqttService::state(const QString& cameraId, const QString& topic, const QByteArray& payload)
{
    m_cameras[cameraId].states.insert(topic);
    m_client->publishState(topic, payload);
}

void MqttService::addCamera(Camera* camera)
{
    // A remote node's camera is published by that node, under its own prefix.
    if (!camera->config().remoteNode.isEmpty())
        return;
    const QString id = camera->id();
    CameraEntry& e = m_cameras[id];
    const CameraConfig cfg = camera->config();
    if (cfg.detect != DetectMode::Off)
        e.onMode = cfg.detect;
    publishDiscovery(camera);
    publishCommandStates(camera);
    onCameraState(camera, camera->state());
    state(id, m_topics.camera(id, "motion"), onOff(false));
    e.motionKnown = true;
    publishCounts(id, m_pipeline->events() ? m_pipeline->events()->liveCounts(id) : QVariantMap());
}

void MqttService::removeCamera(const QString& id)
{
    const auto it = m_cameras.find(id);
    if (it == m_cameras.end())
        return;
    // Empty retained payloads: Home Assistant removes the entities, the broker forgets the states.
    for (const QString& topic : std::as_const(it->configs))
        m_client->publishState(topic, {});
    for (const QString& topic : std::as_const(it->states))
        m_client->publishState(topic, {});
    m_cameras.erase(it);
}

void MqttService::updateCamera(Camera* camera)
{
    if (!m_cameras.contains(camera->id()))
        return addCamera(camera);
    const CameraConfig cfg = camera->config();
    if (cfg.detect != DetectMode::Off)
        m_cameras[camera->id()].onMode = cfg.detect;
    publishDiscovery(camera);   // when its name or labels changed
    publishCommandStates(camera);
    publishCounts(camera->id(), m_pipeline->events() ? m_pipeline->events()->liveCounts(camera->id()) : QVariantMap());
}

void MqttService::publishDiscovery(Camera* camera, bool force)
{
    if (!m_settings.discovery || !camera->config().remoteNode.isEmpty())
        return;
    const CameraConfig cfg = camera->config();
    CameraEntry& e = m_cameras[cfg.id];
    if (!force && !e.configs.isEmpty() && e.name == cfg.displayName() && e.labels == cfg.events.labels)
        return;
    e.name = cfg.displayName();
    e.labels = cfg.events.labels;
    QSet<QString> now;
    for (const DiscoveryConfig& d : cameraDiscovery(m_settings, {cfg.id, cfg.displayName(), cfg.events.labels})) {
        now.insert(d.topic);
        m_client->publishState(d.topic, compact(d.config));
    }
    for (const QString& gone : std::as_const(e.configs))
        if (!now.contains(gone))
            m_client->publishState(gone, {});
    e.configs = now;
}

void MqttService::publishAllDiscovery()
{
    if (!m_settings.discovery)
        return;
    const DiscoveryConfig node = nodeDiscovery(m_settings);
    m_client->publishState(node.topic, compact(node.config));
    for (Camera* c : m_pipeline->cameras())
        publishDiscovery(c, true);
}

void MqttService::publishCommandStates(Camera* camera)
{
    const CameraConfig cfg = camera->config();
    state(cfg.id, m_topics.commandState(cfg.id, "detect"), onOff(cfg.detect != DetectMode::Off));
    state(cfg.id, m_topics.commandState(cfg.id, "fps"), number(cfg.maxFps));
    state(cfg.id, m_topics.commandState(cfg.id, "skip_frames"), QByteArray::number(cfg.skipFrames));
}

void MqttService::publishCounts(const QString& cameraId, const QVariantMap& counts)
{
    Camera* camera = m_pipeline->camera(cameraId);
    const auto it = m_cameras.find(cameraId);
    if (!camera || it == m_cameras.end())
        return;  // removed meanwhile
    QStringList labels = camera->config().events.labels;
    for (auto c = counts.cbegin(); c != counts.cend(); ++c)
        if (!labels.contains(c.key()))
            labels << c.key();
    int all = 0;
    for (const QString& label : std::as_const(labels)) {
        const int n = counts.value(label).toInt();
        all += n;
        if (it->counts.value(label, -1) == n)
            continue;
        it->counts.insert(label, n);
        state(cameraId, m_topics.count(cameraId, label), QByteArray::number(n));
    }
    if (it->all != all) {
        it->all = all;
        state(cameraId, m_topics.camera(cameraId, "all"), QByteArray::number(all));
    }
}

void MqttService::onCameraState(Camera* camera, CameraState s)
{
    if (m_cameras.contains(camera->id()) || m_pipeline->camera(camera->id()))
        state(camera->id(), m_topics.camera(camera->id(), "status"), stateName(s).toUtf8());
}

void MqttService::onEvent(const QString& kind, const QJsonObject& event)
{
    if (kind != "new" && kind != "update" && kind != "end")
        return;  // "delete": not an event of the camera's
    const QString id = event.value("id").toString();
    const QJsonObject before = kind == "new" ? event : m_lastEvent.value(id, event);
    if (kind == "end")
        m_lastEvent.remove(id);
    else
        m_lastEvent.insert(id, event);
    m_client->publishEvent(m_topics.events(), compact({{"type", kind}, {"before", before}, {"after", event}}));

    const QString cameraId = event.value("camera").toString();
    const QString label = event.value("label").toString();
    const auto cam = m_cameras.find(cameraId);
    EventService* events = m_pipeline->events();
    if (cam == m_cameras.end() || !events || !event.value("has_snapshot").toBool() || label.isEmpty())
        return;
    // The best picture so far; the file is read on the network thread.
    const qint64 now = nowNs();
    qint64& last = cam->labelSnapshotNs[label];
    if (kind == "update" && now - last < kLabelSnapshotIntervalNs)
        return;
    last = now;
    const QString topic = m_topics.labelSnapshot(cameraId, label);
    cam->states.insert(topic);
    m_client->publishStateFile(topic, EventStore::snapshotPathIn(events->folder(), id, SnapshotKind::Clean));
}

void MqttService::pollMotion()
{
    const qint64 now = nowNs();
    const qint64 quietNs = qint64(m_settings.motionQuietS) * 1'000'000'000;
    for (Camera* c : m_pipeline->cameras()) {
        const auto it = m_cameras.find(c->id());
        if (it == m_cameras.end())
            continue;
        if (c->stats().motion)
            it->lastMotionNs = now;
        const bool moving = it->lastMotionNs > 0 && now - it->lastMotionNs < quietNs;
        if (it->motionKnown && moving == it->motion)
            continue;
        it->motion = moving;
        it->motionKnown = true;
        state(c->id(), m_topics.camera(c->id(), "motion"), onOff(moving));
    }
}

void MqttService::publishStats()
{
    const QList<Camera*> cameras = m_pipeline->cameras();
    QJsonArray all;
    for (Camera* c : cameras) {
        const QJsonObject s = cameraStatsJson(c);
        all.append(s);
        state(c->id(), m_topics.camera(c->id(), "stats"), compact(s));
    }
    m_client->publishEvent(m_topics.stats(), compact({{"cameras", all}, {"mqtt", status().toJson()}}));
}

void MqttService::onMessage(const QString& topic, const QByteArray& payload)
{
    if (m_settings.discovery && topic == m_settings.discoveryPrefix + "/status") {
        if (payload.trimmed() == "online")
            publishAllDiscovery();  // Home Assistant restarted
        return;
    }
    QString error;
    const std::optional<MqttCommand> c = parseMqttCommand(m_settings.topicPrefix, topic, payload, &error);
    if (!c) {
        qCWarning(lcMqtt).noquote() << QStringLiteral("MQTT: ignored %1: %2").arg(topic.left(200), error);
        return;
    }
    if (!m_pipeline->camera(c->camera)) {
        qCWarning(lcMqtt).noquote() << QStringLiteral("MQTT: ignored %1: no camera \"%2\"").arg(topic.left(200), c->camera);
        return;
    }
    apply(*c);
}

void MqttService::apply(const MqttCommand& c)
{
    Camera* camera = m_pipeline->camera(c.camera);
    CameraConfig cfg = camera->config();
    switch (c.kind) {
    case MqttCommand::Kind::Detect:
        cfg.detect = c.on ? m_cameras.value(c.camera).onMode : DetectMode::Off;
        m_pipeline->updateCamera(c.camera, cfg);
        break;
    case MqttCommand::Kind::Fps:
        m_pipeline->setGate(c.camera, cfg.skipFrames, c.fps);
        break;
    case MqttCommand::Kind::SkipFrames:
        m_pipeline->setGate(c.camera, c.skipFrames, cfg.maxFps);
        break;
    case MqttCommand::Kind::Snapshot: {
        const ProcessedFramePtr frame = camera->latestFrame();
        const QByteArray jpeg = !frame ? QByteArray() : !frame->jpeg.isEmpty() ? frame->jpeg : frame->sourceJpeg;
        if (jpeg.isEmpty()) {
            qCWarning(lcMqtt).noquote() << QStringLiteral("MQTT: [%1] no frame for a snapshot yet").arg(c.camera);
            return;
        }
        state(c.camera, m_topics.camera(c.camera, "snapshot"), jpeg);
        state(c.camera, m_topics.commandState(c.camera, "snapshot"),
              QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs).toUtf8());
        return;
    }
    }
    // Echoed by updateCamera(): the Pipeline announces the change (cameraUpdated), and the echo is
    // what the camera now runs with.
    qCInfo(lcMqtt).noquote() << QStringLiteral("MQTT: [%1] %2 set").arg(c.camera, commandName(c.kind));
}

} // namespace vigil
