#pragma once
// The desktop's side of the running system: persistence of the settings and cameras (with a
// short save delay for sliders), and which cameras are only "for this session" (--camera, --demo,
// the demo button; never saved). Everything that runs is the Pipeline's; this only drives it.
#include <QList>
#include <QObject>
#include <QSet>
#include <QTimer>
#include <QUrl>
#include <memory>

#include "config/app_settings.h"
#include "pipeline/camera.h"
#include "pipeline/pipeline.h"

namespace vigil {

class RemoteNode;

class CameraManager : public QObject {
    Q_OBJECT
public:
    explicit CameraManager(const QString& configPath, const PipelineOverrides& overrides = {},
                           QObject* parent = nullptr);
    ~CameraManager() override;

    // Loads the config and starts the pipeline on it. Returns the message to show for a corrupt file.
    QString load();
    bool isFirstLaunch() const { return m_firstLaunch; }
    QString configPath() const { return m_configPath; }
    // Problems while starting the command line's extras (e.g. the demo camera could not start).
    QStringList startProblems() const;

    const AppSettings& settings() const { return m_settings; }
    // Replaces the app settings (not the cameras) and saves; the pipeline applies them.
    void setSettings(const AppSettings& settings);
    void setWindowState(const QByteArray& geometry, const QByteArray& state);

    Pipeline* pipeline() const { return m_pipeline.get(); }
    QList<Camera*> cameras() const;
    Camera* camera(const QString& id) const;
    bool isPersistent(const QString& id) const { return m_persistent.contains(id); }

    // Adds and starts a camera; the id is made unique. Saved when `persist`.
    Camera* addCamera(CameraConfig config, bool persist = true);
    void updateCamera(const QString& id, CameraConfig config);
    // Live tuning: applied at once, saved shortly after (sliders move in many small steps).
    void setGate(const QString& id, int skipFrames, double maxFps);
    void removeCamera(const QString& id);
    Camera* startDemo(QString* error = nullptr);  // for this session

    // Remote Vigil nodes: added or removed live and saved (their cameras never are).
    RemoteNode* addRemoteNode(const RemoteNodeConfig& config, QString* error = nullptr);
    bool removeRemoteNode(const QString& name);
    QList<RemoteNode*> remoteNodes() const;

    QString uniqueId(const QString& wanted) const;
    bool saveNow(QString* error = nullptr);

    // Rebroadcast (WebSocket/HTTP) server status for the status bar.
    bool rebroadcastAvailable() const { return true; }
    bool rebroadcastRunning() const;
    QUrl rebroadcastUrl() const;      // with ?token=: redact before showing
    QString rebroadcastError() const;
    int rebroadcastClients() const;

signals:
    void cameraAdded(vigil::Camera* camera);
    void cameraRemoved(const QString& id);
    void cameraUpdated(vigil::Camera* camera);
    void saveFailed(const QString& message);
    void rebroadcastChanged();
    void remoteNodesChanged();

private:
    void scheduleSave();
    void onCameraAdded(Camera* camera);

    QString m_configPath;
    PipelineOverrides m_overrides;
    AppSettings m_settings;            // cameras: the persistent ones, as last saved
    bool m_firstLaunch = false;
    std::unique_ptr<Pipeline> m_pipeline;  // exists after load()
    QSet<QString> m_persistent;
    QTimer m_saveTimer;
};

} // namespace vigil
