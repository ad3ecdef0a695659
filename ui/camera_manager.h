#pragma once
// Owns the processing scheduler, the running cameras and the persisted settings of the desktop
// app. Cameras added "for this session" (--camera, --demo, the demo button) are never saved.
#include <QList>
#include <QObject>
#include <QSet>
#include <QTimer>
#include <memory>

#include "config/app_settings.h"
#include "pipeline/camera.h"

namespace vigil {

class DemoCamera;
class RebroadcastLink;

class CameraManager : public QObject {
    Q_OBJECT
public:
    CameraManager(const QString& configPath, int workers, QObject* parent = nullptr);
    ~CameraManager() override;

    // Loads the config and starts its cameras. Returns the message to show for a corrupt file.
    QString load();
    bool isFirstLaunch() const { return m_firstLaunch; }
    QString configPath() const { return m_configPath; }

    const AppSettings& settings() const { return m_settings; }
    // Replaces the app settings (not the cameras) and saves; restarts rebroadcast as needed.
    void setSettings(const AppSettings& settings);
    void setWindowState(const QByteArray& geometry, const QByteArray& state);

    QList<Camera*> cameras() const { return m_cameras; }
    Camera* camera(const QString& id) const;
    bool isPersistent(const QString& id) const { return m_persistent.contains(id); }

    // Adds and starts a camera; the id is made unique. Saved when `persist`.
    Camera* addCamera(CameraConfig config, bool persist = true);
    // Applies an edited config live (reconnects only if the URL or credentials changed).
    void updateCamera(const QString& id, CameraConfig config);
    // Live tuning: applied at once, saved shortly after (sliders move in many small steps).
    void setGate(const QString& id, int skipFrames, double maxFps);
    void removeCamera(const QString& id);
    // Starts the built-in demo server (once) and adds its camera for this session.
    Camera* startDemo(QString* error = nullptr);

    QString uniqueId(const QString& wanted) const;
    bool saveNow(QString* error = nullptr);

    // Rebroadcast (WebSocket/HTTP) server status for the status bar.
    bool rebroadcastAvailable() const;
    bool rebroadcastRunning() const;
    QString rebroadcastUrl() const;
    QString rebroadcastError() const { return m_rebroadcastError; }
    int rebroadcastClients() const;
    // Session override from the command line (--ws-port/--ws-bind/--ws-token).
    void overrideRebroadcast(int port, const QString& bind, const QString& token);

signals:
    void cameraAdded(vigil::Camera* camera);
    void cameraRemoved(const QString& id);
    void cameraUpdated(vigil::Camera* camera);
    void saveFailed(const QString& message);
    void rebroadcastChanged();

private:
    void scheduleSave();
    void applyRebroadcast();
    CameraConfig persistedConfig(Camera* camera) const;

    QString m_configPath;
    AppSettings m_settings;
    AppSettings m_rebroadcastOverride;
    bool m_haveOverride = false;
    bool m_firstLaunch = false;
    std::unique_ptr<ProcessingScheduler> m_scheduler;
    std::unique_ptr<DemoCamera> m_demo;
    QList<Camera*> m_cameras;
    QSet<QString> m_persistent;
    QTimer m_saveTimer;
    QString m_rebroadcastError;
    RebroadcastLink* m_rebroadcast = nullptr;
};

} // namespace vigil
