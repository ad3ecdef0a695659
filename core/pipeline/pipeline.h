#pragma once
// The running system, wired in one place: the processing scheduler, the cameras, the built-in demo
// camera, the events service, the rebroadcast server and MQTT. Desktop (ui/) and headless (app/) both drive this and only this. No QtWidgets.
//
// It takes the settings and the command line's overrides and applies them here only; it fills
// each camera's capture limits from the settings' `limits`; and it knows the one shutdown order:
// MQTT says "offline" (its retained topics stay), the server stops taking frames, cameras detach (without waiting on their readers), the demo
// camera stops, the scheduler goes last.
#include <QList>
#include <QObject>
#include <memory>

#include "config/app_settings.h"
#include "mqtt/mqtt_status.h"
#include "pipeline/camera.h"
#include "pipeline/pipeline_overrides.h"

namespace vigil {

class DemoCamera;
class EventService;
class MqttService;
class ProcessingScheduler;
class RebroadcastServer;
class RemoteNode;

class Pipeline : public QObject {
    Q_OBJECT
public:
    explicit Pipeline(const AppSettings& settings, const PipelineOverrides& overrides = {},
                      QObject* parent = nullptr);
    ~Pipeline() override;  // shutdown()

    // Starts the settings' cameras, then the command line's, then the demo camera when asked for,
    // then the rebroadcast server when the settings (after overrides) enable it. Problems (the
    // demo or the server could not start) are in startProblems(); cameras always start.
    void start();
    QStringList startProblems() const { return m_startProblems; }
    // Stops everything in the one right order. Idempotent; the destructor calls it.
    void shutdown();

    const AppSettings& settings() const { return m_settings; }
    // New app settings (not the cameras): limits reach running cameras, and the rebroadcast server
    // restarts when its settings changed. The user's choice replaces the command line's.
    void setSettings(const AppSettings& settings);

    QList<Camera*> cameras() const { return m_cameras; }
    // Events (tracking, store, clips); null when events are off in the settings.
    EventService* events() const { return m_events.get(); }
    Camera* camera(const QString& id) const;
    QString uniqueId(const QString& wanted) const;

    // Adds and starts a camera (its id made unique) and gives it to the rebroadcast server.
    Camera* addCamera(CameraConfig config);
    // Applies an edited config live (reconnects only when the connection settings changed).
    bool updateCamera(const QString& id, CameraConfig config);
    bool setGate(const QString& id, int skipFrames, double maxFps);
    // Takes the camera off the server, tells views (cameraRemoved), then deletes it; never waits
    // on its reader.
    bool removeCamera(const QString& id);
    // Starts the built-in demo server (once) and adds its camera.
    Camera* startDemo(QString* error = nullptr);

    // Remote Vigil nodes (the settings' remote_nodes start at start()): their cameras are added
    // here, fed by their restreams, and their events imported (see remote/remote_node.h). The
    // settings' remoteNodes follow these calls. Adding fails (null, *error) for an unusable config,
    // a name in use, or beyond kMaxRemoteNodes; removing removes its cameras, not its events.
    RemoteNode* addRemoteNode(const RemoteNodeConfig& config, QString* error = nullptr);
    bool removeRemoteNode(const QString& name);
    QList<RemoteNode*> remoteNodes() const;
    RemoteNode* remoteNode(const QString& name) const;
    // The node an imported event came from (its id is "<node>.<remote id>"); null for local events.
    RemoteNode* remoteNodeOfEvent(const QString& eventId) const;

    // Rebroadcast (HTTP/WebSocket) server.
    bool restartRebroadcast();  // with the current settings (after overrides); false on error
    void stopRebroadcast();
    bool rebroadcastRunning() const;
    QUrl rebroadcastUrl() const;   // with ?token= when set: redact before showing it
    QString rebroadcastError() const { return m_rebroadcastError; }
    int rebroadcastClients() const;
    // The settings the server runs with: the settings, or the command line's overrides of them.
    AppSettings effectiveRebroadcastSettings() const;

    // MQTT (and Home Assistant); null when off. Follows the cameras by itself.
    MqttService* mqtt() const { return m_mqtt.get(); }
    MqttStatus mqttStatus() const;  // state "off" when there is no service
    // (Re)starts it with the current settings (after overrides), or stops it when they disable
    // it. False when enabled without a broker host (then it stays off).
    bool restartMqtt();
    // The settings MQTT runs with: the settings, or the command line's overrides of them.
    MqttSettings effectiveMqttSettings() const;

    // The config a camera gets: limits from the settings (and its own maxJpegSize).
    CameraConfig withLimits(CameraConfig config) const;

signals:
    void cameraAdded(vigil::Camera* camera);
    void cameraRemoved(const QString& id);   // before the camera is deleted
    void cameraUpdated(vigil::Camera* camera);
    void cameraStateChanged(vigil::Camera* camera, vigil::CameraState state, const QString& reason);
    void rebroadcastChanged();
    // For the status bar: every change of the MQTT connection, and Off when MQTT is turned off.
    void mqttStateChanged(vigil::MqttState state, const QString& reason);
    void remoteNodesChanged();   // added or removed (each node signals its own state)

private:
    AppSettings m_settings;
    PipelineOverrides m_overrides;
    bool m_rebroadcastOverridden = false;
    bool m_mqttOverridden = false;
    QStringList m_startProblems;
    std::unique_ptr<ProcessingScheduler> m_scheduler;       // inference
    std::unique_ptr<ProcessingScheduler> m_lightScheduler;  // motion analysis, display decoding
    std::unique_ptr<DemoCamera> m_demo;
    QList<Camera*> m_cameras;                  // owned
    std::unique_ptr<EventService> m_events;
    std::unique_ptr<RebroadcastServer> m_server;
    QList<RemoteNode*> m_remoteNodes;          // owned (children)
    QString m_rebroadcastError;
    std::unique_ptr<MqttService> m_mqtt;
    std::shared_ptr<MqttStatusBoard> m_mqttBoard = std::make_shared<MqttStatusBoard>();  // read by the server
    bool m_shutDown = false;
};

} // namespace vigil
