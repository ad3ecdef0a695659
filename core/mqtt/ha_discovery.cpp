#include "mqtt/ha_discovery.h"

#include <QJsonArray>

#include "config/mqtt_settings.h"
#include "mqtt/mqtt_topics.h"

namespace vigil {

namespace {

QJsonObject nodeDevice(const QString& nodeId)
{
    return QJsonObject{{"identifiers", QJsonArray{nodeId}}, {"name", QStringLiteral("Vigil (%1)").arg(nodeId)},
                       {"manufacturer", "Vigil"}, {"model", "Vigil"}, {"sw_version", VIGIL_VERSION}};
}

struct Builder {
    const MqttSettings& s;
    MqttTopics topics;
    QString nodeId;
    QString objectId;       // <P>_<camera>
    QJsonObject device;
    QList<DiscoveryConfig> out;

    void add(const QString& component, const QString& entity, const QString& name, QJsonObject config)
    {
        config.insert("name", name);
        config.insert("unique_id", objectId + '_' + entity);
        config.insert("object_id", objectId + '_' + entity);
        config.insert("device", device);
        config.insert("availability", QJsonArray{QJsonObject{{"topic", topics.available()}}});
        config.insert("payload_available", "online");
        config.insert("payload_not_available", "offline");
        out.append({QStringLiteral("%1/%2/%3/%4/config").arg(s.discoveryPrefix, component, objectId, entity), config});
    }
};

} // namespace

DiscoveryConfig nodeDiscovery(const MqttSettings& s)
{
    const MqttTopics topics{s.topicPrefix};
    const QString nodeId = idFromPrefix(s.topicPrefix);
    const QJsonObject config{
        {"name", "Connected"},
        {"unique_id", nodeId + "_available"},
        {"object_id", nodeId + "_available"},
        {"device", nodeDevice(nodeId)},
        {"device_class", "connectivity"},
        {"state_topic", topics.available()},
        {"payload_on", "online"},
        {"payload_off", "offline"},
    };
    return {QStringLiteral("%1/binary_sensor/%2/available/config").arg(s.discoveryPrefix, nodeId), config};
}

QList<DiscoveryConfig> cameraDiscovery(const MqttSettings& s, const DiscoveryCamera& cam)
{
    Builder b{s, MqttTopics{s.topicPrefix}, idFromPrefix(s.topicPrefix), {}, {}, {}};
    b.objectId = b.nodeId + '_' + cam.id;
    b.device = QJsonObject{{"identifiers", QJsonArray{b.objectId}}, {"name", cam.name.isEmpty() ? cam.id : cam.name},
                           {"manufacturer", "Vigil"}, {"model", "Vigil camera"}, {"sw_version", VIGIL_VERSION},
                           {"via_device", b.nodeId}};
    const MqttTopics& t = b.topics;
    b.add("binary_sensor", "motion", "Motion",
          {{"state_topic", t.camera(cam.id, "motion")}, {"payload_on", "ON"}, {"payload_off", "OFF"},
           {"device_class", "motion"}});
    for (const QString& label : cam.labels) {
        const QString l = topicLabel(label);
        b.add("binary_sensor", l + "_occupancy", QStringLiteral("%1 occupancy").arg(label),
              {{"state_topic", t.count(cam.id, label)},
               {"value_template", "{{ 'ON' if (value | int(0)) > 0 else 'OFF' }}"},
               {"payload_on", "ON"}, {"payload_off", "OFF"}, {"device_class", "occupancy"}});
        b.add("image", l + "_snapshot", QStringLiteral("%1 snapshot").arg(label),
              {{"image_topic", t.labelSnapshot(cam.id, label)}, {"content_type", "image/jpeg"}});
    }
    b.add("sensor", "output_fps", "Output FPS",
          {{"state_topic", t.camera(cam.id, "stats")}, {"value_template", "{{ value_json.out_fps }}"},
           {"unit_of_measurement", "fps"}, {"state_class", "measurement"}, {"entity_category", "diagnostic"}});
    b.add("sensor", "latency_p99", "Latency p99",
          {{"state_topic", t.camera(cam.id, "stats")}, {"value_template", "{{ value_json.latency_ms_p99 }}"},
           {"unit_of_measurement", "ms"}, {"state_class", "measurement"}, {"entity_category", "diagnostic"}});
    b.add("sensor", "state", "Camera state",
          {{"state_topic", t.camera(cam.id, "status")}, {"entity_category", "diagnostic"}});
    b.add("switch", "detection", "Detection",
          {{"command_topic", t.commandSet(cam.id, "detect")}, {"state_topic", t.commandState(cam.id, "detect")},
           {"payload_on", "ON"}, {"payload_off", "OFF"}, {"state_on", "ON"}, {"state_off", "OFF"}});
    b.add("number", "fps", "FPS limit",
          {{"command_topic", t.commandSet(cam.id, "fps")}, {"state_topic", t.commandState(cam.id, "fps")},
           {"min", 1}, {"max", 30}, {"step", 1}, {"unit_of_measurement", "fps"}, {"mode", "box"}});
    b.add("image", "snapshot", "Snapshot",
          {{"image_topic", t.camera(cam.id, "snapshot")}, {"content_type", "image/jpeg"}});
    b.add("button", "take_snapshot", "Take snapshot",
          {{"command_topic", t.commandSet(cam.id, "snapshot")}, {"payload_press", "PRESS"}});
    return b.out;
}

} // namespace vigil
