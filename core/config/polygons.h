#pragma once
// Polygons in source-relative coordinates (0..1 of the frame's width and height), as the config
// stores them: motion masks now, event zones later. JSON shape: [[x,y],[x,y],[x,y],...].
#include <QJsonArray>
#include <QList>
#include <QPolygonF>
#include <QString>

namespace vigil {

using RelativePolygon = QPolygonF;  // points in 0..1

// A polygon needs at least 3 points, each [x, y] with numbers in 0..1. Returns false with *why
// ("point 2 is not [x, y]", ...) for anything else.
bool polygonFromJson(const QJsonValue& value, RelativePolygon* out, QString* why);
QJsonArray polygonToJson(const RelativePolygon& polygon);
// A list of polygons: [[[x,y],...], [[x,y],...]]. Bad polygons are skipped and each named in *errors
// ("polygon 2: point 1 is out of 0..1").
QList<RelativePolygon> polygonsFromJson(const QJsonValue& value, QStringList* errors);
QJsonArray polygonsToJson(const QList<RelativePolygon>& polygons);

} // namespace vigil
