#pragma once
// The one JSON shape of a detection, for every output (WebSocket frames, --stats-json, snapshot
// sidecars, later events): {"name","class_id","score","box":[x,y,w,h]}, box in source pixels.
#include <QJsonArray>
#include <QJsonObject>
#include <QVector>

#include "common/frame.h"

namespace vigil {

QJsonObject detectionJson(const Detection& detection);
QJsonArray detectionsJson(const QVector<Detection>& detections);

} // namespace vigil
