#pragma once
// Home Assistant MQTT discovery: the retained configs that make each camera a device with its
// entities. Pure: what to publish, not how.
//   <discovery>/<component>/<P>_<camera>/<entity>/config, unique_id <P>_<camera>_<entity>
// One device per camera (via the node device <P>); every entity is available on P/available.
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace vigil {

struct MqttSettings;

struct DiscoveryConfig {
    QString topic;
    QJsonObject config;    // empty object: publish an empty payload (removes the entity)
};

struct DiscoveryCamera {
    QString id;
    QString name;
    QStringList labels;    // the camera's event labels: one occupancy sensor and one image each
};

// The node (this Vigil): one connectivity sensor on P/available, so the cameras' via_device exists.
DiscoveryConfig nodeDiscovery(const MqttSettings& settings);
// Every entity of one camera.
QList<DiscoveryConfig> cameraDiscovery(const MqttSettings& settings, const DiscoveryCamera& camera);

} // namespace vigil
