#pragma once
// MQTT and Home Assistant for the whole Pipeline: follows its cameras (added, removed, updated,
// state), the events service (events, live counts) and each camera's motion, and publishes them
// (see mqtt_topics.h); takes commands and applies them through the Pipeline. Lives on the
// Pipeline's thread; the network is MqttClient's thread, so nothing here waits on the broker.
#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QSet>
#include <QTimer>
#include <memory>

#include "config/detect_mode.h"
#include "config/mqtt_settings.h"
#include "mqtt/mqtt_status.h"
#include "mqtt/mqtt_topics.h"

namespace vigil {

class Camera;
class MqttClient;
struct MqttCommand;
class Pipeline;
enum class CameraState;

class MqttService : public QObject {
    Q_OBJECT
public:
    // `board` (may be null): where the running service's status is shown to other threads.
    MqttService(Pipeline* pipeline, const MqttSettings& settings, std::shared_ptr<MqttStatusBoard> board = {},
                QObject* parent = nullptr);
    ~MqttService() override;  // stop()

    // Connects (in the background) and publishes every camera; then follows the Pipeline.
    void start();
    // Publishes "offline" and disconnects (bounded, about a second). Retained camera topics and
    // discovery configs stay on the broker. Idempotent.
    void stop();

    MqttStatus status() const;
    const MqttSettings& settings() const { return m_settings; }
    const MqttTopics& topics() const { return m_topics; }

    static constexpr int kMotionPollMs = 250;
    static constexpr qint64 kLabelSnapshotIntervalNs = 1'000'000'000;  // the store rewrites it at most this often

signals:
    void stateChanged(vigil::MqttState state, const QString& reason);

private:
    struct CameraEntry {
        QSet<QString> states;        // retained topics published for it (cleared on removal)
        QSet<QString> configs;       // discovery topics published for it
        QString name;                // as in those configs
        QStringList labels;
        QHash<QString, int> counts;  // by label, as last published
        int all = -1;
        bool motion = false;
        bool motionKnown = false;
        qint64 lastMotionNs = 0;
        DetectMode onMode = DetectMode::Motion;   // what "detect ON" restores
        QHash<QString, qint64> labelSnapshotNs;
    };

    void addCamera(Camera* camera);
    void removeCamera(const QString& id);
    void updateCamera(Camera* camera);
    // Only when the camera's name or labels changed since the last time, unless forced.
    void publishDiscovery(Camera* camera, bool force = false);
    void publishAllDiscovery();
    void publishCommandStates(Camera* camera);
    void publishCounts(const QString& cameraId, const QVariantMap& counts);
    void onCameraState(Camera* camera, CameraState state);
    void onEvent(const QString& kind, const QJsonObject& event);
    void pollMotion();
    void publishStats();
    void onMessage(const QString& topic, const QByteArray& payload);
    void apply(const MqttCommand& command);
    void state(const QString& cameraId, const QString& topic, const QByteArray& payload);

    Pipeline* m_pipeline;
    std::shared_ptr<MqttStatusBoard> m_board;
    MqttSettings m_settings;
    MqttTopics m_topics;
    std::unique_ptr<MqttClient> m_client;
    QHash<QString, CameraEntry> m_cameras;
    QHash<QString, QJsonObject> m_lastEvent;   // events in progress, as last published ("before")
    QTimer m_motionTimer;
    QTimer m_statsTimer;
    bool m_started = false;
};

} // namespace vigil
