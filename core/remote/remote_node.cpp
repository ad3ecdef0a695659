#include "remote/remote_node.h"

#include <QDir>
#include <QFileInfo>
#include <QNetworkAccessManager>
#include <QSaveFile>
#include <QRegularExpression>

#include "common/log.h"
#include "events/event.h"
#include "pipeline/camera.h"
#include "pipeline/pipeline.h"
#include "remote/remote_event_mirror.h"

namespace vigil {

QString remoteNodeStateName(RemoteNodeState state)
{
    switch (state) {
    case RemoteNodeState::Connecting: return QStringLiteral("connecting");
    case RemoteNodeState::Online: return QStringLiteral("online");
    case RemoteNodeState::Unreachable: return QStringLiteral("unreachable");
    case RemoteNodeState::Unauthorised: return QStringLiteral("unauthorised");
    }
    return {};
}

RemoteNode::RemoteNode(const RemoteNodeConfig& config, Pipeline* pipeline, QObject* parent)
    : QObject(parent), m_config(config), m_pipeline(pipeline), m_nam(new QNetworkAccessManager(this))
{
    qRegisterMetaType<vigil::RemoteNodeState>("vigil::RemoteNodeState");
    m_poll.setSingleShot(true);
    connect(&m_poll, &QTimer::timeout, this, &RemoteNode::pollNow);
    if (pipeline->events())
        m_events = new RemoteEventMirror(config, pipeline->events(),
                                         [this](const QString& remoteId) { return localCameraId(remoteId); }, this);
}

RemoteNode::~RemoteNode() { stop(); }

void RemoteNode::start()
{
    if (m_running)
        return;
    m_running = true;
    pollNow();
}

void RemoteNode::stop()
{
    if (!m_running)
        return;
    m_running = false;
    m_poll.stop();
    if (m_events)
        m_events->stop();
    const QList<QString> ids = m_cameras.values();
    m_cameras.clear();
    for (const QString& id : ids)
        m_pipeline->removeCamera(id);
    if (!ids.isEmpty())
        emit camerasChanged();
}

QStringList RemoteNode::cameraIds() const { return m_cameras.values(); }

QString RemoteNode::remoteEventId(const QString& localEventId) const
{
    const QString prefix = RemoteEventMirror::localEventId(m_config.name, QStringLiteral("x")).chopped(1);
    if (prefix.isEmpty() || !localEventId.startsWith(prefix))
        return {};
    const QString remote = localEventId.mid(prefix.size());
    return isValidEventId(remote) ? remote : QString();
}

void RemoteNode::fetchClip(const QString& localEventId, const QString& toPath,
                           std::function<void(bool, const QString&)> done)
{
    const QString remote = remoteEventId(localEventId);
    if (remote.isEmpty()) {
        done(false, QStringLiteral("not an event of node %1").arg(m_config.name));
        return;
    }
    const QUrl url = nodeUrl(m_config.url, QStringLiteral("/api/events/%1/clip.mkv").arg(remote));
    getFromNode(m_nam, url, m_config.token, kMaxClipBytes, this,
                [toPath, done, name = m_config.name](const NodeReply& reply) {
        if (!reply.ok()) {
            done(false, reply.status == 404 ? QStringLiteral("node %1 has no clip for this event").arg(name)
                                            : reply.error);
            return;
        }
        QSaveFile file(toPath);
        if (!QDir().mkpath(QFileInfo(toPath).absolutePath()) || !file.open(QIODevice::WriteOnly)
            || file.write(reply.body) != reply.body.size() || !file.commit()) {
            done(false, QStringLiteral("cannot write %1: %2").arg(toPath, file.errorString()));
            return;
        }
        done(true, {});
    }, 60000);
}

QString RemoteNode::localCameraId(const QString& remoteId) const
{
    if (const auto it = m_cameras.find(remoteId); it != m_cameras.end())
        return it.value();
    // A camera not (or no longer) shown here: the id it has, or would have.
    static const QRegularExpression bad(QStringLiteral("[^a-z0-9_-]+"));
    return QString(m_config.name + u'-' + remoteId).toLower().replace(bad, QStringLiteral("-"));
}

void RemoteNode::pollNow()
{
    if (!m_running || m_polling)
        return;
    m_polling = true;
    m_poll.stop();
    getFromNode(m_nam, nodeUrl(m_config.url, "/api/cameras"), m_config.token, kMaxCameraListBytes, this,
                [this](const NodeReply& r) {
        m_polling = false;
        onCameras(r);
        scheduleNext();
    });
}

void RemoteNode::scheduleNext()
{
    if (m_running)
        m_poll.start(m_state == RemoteNodeState::Online ? m_pollMs : std::min(m_pollMs, kRetryIntervalMs));
}

void RemoteNode::onCameras(const NodeReply& r)
{
    if (!m_running)
        return;
    if (r.unauthorised()) {
        // The cameras shown stay: their own streams say the same, and a fixed token brings them back.
        setState(RemoteNodeState::Unauthorised, r.error);
        return;
    }
    if (!r.ok()) {
        setState(RemoteNodeState::Unreachable, r.error);
        return;
    }
    QString why;
    const std::optional<QList<RemoteCamera>> cameras = parseRemoteCameras(r.body, &why);
    if (!cameras) {
        setState(RemoteNodeState::Unreachable, why);
        return;
    }
    sync(*cameras);
    setState(RemoteNodeState::Online, {});
    if (m_events)
        m_events->start();  // once its cameras are known, so its events name them
}

void RemoteNode::sync(const QList<RemoteCamera>& cameras)
{
    bool changed = false;
    QSet<QString> present;
    for (const RemoteCamera& rc : cameras) {
        present.insert(rc.id);
        const QString name = QStringLiteral("%1 (%2)").arg(rc.name.isEmpty() ? rc.id : rc.name, m_config.name);
        if (const auto it = m_cameras.find(rc.id); it != m_cameras.end()) {
            if (Camera* cam = m_pipeline->camera(it.value()); cam && cam->config().name != name) {
                CameraConfig c = cam->config();
                c.name = name;
                m_pipeline->updateCamera(c.id, c);
            }
            continue;
        }
        CameraConfig c;
        c.id = m_config.name + u'-' + rc.id;   // the pipeline makes it unique
        c.name = name;
        c.url = nodeStreamUrl(m_config, rc.id);
        c.remoteNode = m_config.name;
        c.detect = DetectMode::Off;       // the node detects and draws its boxes
        c.events.enabled = false;         // its events come from the node (RemoteEventMirror)
        c.skipFrames = 1;                 // the node already sends at its processed rate
        c.maxFps = m_pipeline->settings().defaultMaxFps;
        if (Camera* cam = m_pipeline->addCamera(c)) {
            m_cameras.insert(rc.id, cam->id());
            changed = true;
        }
    }
    for (auto it = m_cameras.begin(); it != m_cameras.end();) {
        if (present.contains(it.key())) {
            ++it;
            continue;
        }
        const QString id = it.value();
        it = m_cameras.erase(it);
        m_pipeline->removeCamera(id);
        changed = true;
    }
    if (changed)
        emit camerasChanged();
}

void RemoteNode::setState(RemoteNodeState state, const QString& reason)
{
    if (state == m_state && reason == m_reason)
        return;
    m_state = state;
    m_reason = reason;
    qCInfo(lcApp).noquote() << QStringLiteral("Remote node %1: %2%3")
                                   .arg(m_config.name, remoteNodeStateName(state), reason.isEmpty() ? QString() : ": " + reason);
    emit stateChanged(state, reason);
}

} // namespace vigil
