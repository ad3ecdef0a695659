#include "mqtt/stats_document.h"

#include "mqtt/mqtt_status.h"
#include "pipeline/camera.h"

namespace vigil {

QJsonObject cameraStatsJson(Camera* c)
{
    QJsonObject o = c->stats().toJson();
    o.insert("id", c->id());
    o.insert("state", stateName(c->state()));
    return o;
}

QJsonArray camerasStatsJson(const QList<Camera*>& cameras)
{
    QJsonArray out;
    for (Camera* c : cameras)
        out.append(cameraStatsJson(c));
    return out;
}

QJsonObject statsDocument(const QList<Camera*>& cameras, const MqttStatus& mqtt)
{
    return QJsonObject{{"cameras", camerasStatsJson(cameras)}, {"mqtt", mqtt.toJson()}};
}

} // namespace vigil
