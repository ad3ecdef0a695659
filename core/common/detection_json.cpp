#include "common/detection_json.h"

#include <cmath>

namespace vigil {

static double round1(double v) { return std::round(v * 10.0) / 10.0; }

QJsonObject detectionJson(const Detection& d)
{
    return QJsonObject{
        {"name", d.name},
        {"class_id", d.classId},
        {"score", std::round(double(d.score) * 1000.0) / 1000.0},
        {"box", QJsonArray{round1(d.box.x()), round1(d.box.y()), round1(d.box.width()), round1(d.box.height())}},
    };
}

QJsonArray detectionsJson(const QVector<Detection>& detections)
{
    QJsonArray out;
    for (const Detection& d : detections)
        out.append(detectionJson(d));
    return out;
}

} // namespace vigil
