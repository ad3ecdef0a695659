#pragma once
// The statistics document of /api/stats and P/stats:
//   {"cameras": [each camera's StatsSnapshot::toJson() + "id" and "state"], "mqtt": MqttStatus::toJson()}
#include <QJsonArray>
#include <QJsonObject>
#include <QList>

namespace vigil {

class Camera;
struct MqttStatus;

QJsonObject cameraStatsJson(Camera* camera);
QJsonArray camerasStatsJson(const QList<Camera*>& cameras);
QJsonObject statsDocument(const QList<Camera*>& cameras, const MqttStatus& mqtt);

} // namespace vigil
