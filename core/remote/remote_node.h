#pragma once
// One remote Vigil node, mirrored into a Pipeline: each camera of its `GET /api/cameras` becomes a
// local camera fed by the node's annotated restream (`/cameras/<id>/stream.mjpeg`), with detection
// and local events off (the node detects, draws and records); its events are imported into the
// local store (RemoteEventMirror). The camera list is polled, so cameras that appear or go on the
// node appear or go here. Such cameras are marked (CameraConfig::remoteNode) and never saved.
// No QtWidgets; lives in the Pipeline's thread.
#include <QHash>
#include <QObject>
#include <QTimer>
#include <functional>

#include "remote/remote_api.h"
#include "remote/remote_node_config.h"

class QNetworkAccessManager;

namespace vigil {

class Pipeline;
class RemoteEventMirror;

enum class RemoteNodeState { Connecting, Online, Unreachable, Unauthorised };
QString remoteNodeStateName(RemoteNodeState state);  // "connecting", "online", "unreachable", "unauthorised"

class RemoteNode : public QObject {
    Q_OBJECT
public:
    RemoteNode(const RemoteNodeConfig& config, Pipeline* pipeline, QObject* parent = nullptr);
    ~RemoteNode() override;  // stop()

    void start();
    // Stops polling and mirroring and removes its cameras from the pipeline (their imported events
    // stay stored). Idempotent.
    void stop();

    const RemoteNodeConfig& config() const { return m_config; }
    QString name() const { return m_config.name; }
    RemoteNodeState state() const { return m_state; }
    QString reason() const { return m_reason; }   // why it is not online; redacted
    QStringList cameraIds() const;                 // local ids of its cameras
    // The local id of one of its cameras ("<node>-<remote id>" as the pipeline made it unique).
    QString localCameraId(const QString& remoteId) const;
    RemoteEventMirror* events() const { return m_events; }  // null when local events are off

    // The node's id of one of its imported events ("<node>.<remote id>"); empty when not its.
    QString remoteEventId(const QString& localEventId) const;
    // Fetches an imported event's clip from the node (clips are not mirrored: they stay there
    // until played) into `toPath`, written whole under a temporary name first. done(ok, error)
    // runs once on this thread; error is redacted.
    void fetchClip(const QString& localEventId, const QString& toPath,
                   std::function<void(bool ok, const QString& error)> done);
    static constexpr qint64 kMaxClipBytes = 256LL * 1024 * 1024;
    void setPollInterval(int ms) { m_pollMs = ms; }
    void pollNow();
    static constexpr int kPollIntervalMs = 30000;
    static constexpr int kRetryIntervalMs = 10000;   // until the node answers
    static constexpr qint64 kMaxCameraListBytes = 1024 * 1024;

signals:
    void stateChanged(vigil::RemoteNodeState state, const QString& reason);
    void camerasChanged();

private:
    void onCameras(const NodeReply& reply);
    void sync(const QList<RemoteCamera>& cameras);
    void setState(RemoteNodeState state, const QString& reason);
    void scheduleNext();

    RemoteNodeConfig m_config;
    Pipeline* m_pipeline;
    QNetworkAccessManager* m_nam;
    RemoteEventMirror* m_events = nullptr;
    QTimer m_poll;
    int m_pollMs = kPollIntervalMs;
    bool m_running = false;
    bool m_polling = false;
    RemoteNodeState m_state = RemoteNodeState::Connecting;
    QString m_reason;
    QHash<QString, QString> m_cameras;   // remote id -> local id
};

} // namespace vigil

Q_DECLARE_METATYPE(vigil::RemoteNodeState)
