#include "config/polygons.h"

#include <QStringList>
#include <cmath>

namespace vigil {

bool polygonFromJson(const QJsonValue& value, RelativePolygon* out, QString* why)
{
    if (!value.isArray()) {
        *why = QStringLiteral("is not a list of [x, y] points");
        return false;
    }
    const QJsonArray points = value.toArray();
    if (points.size() < 3) {
        *why = QStringLiteral("has %1 points (at least 3 needed)").arg(points.size());
        return false;
    }
    // A polygon is drawn by hand: thousands of points mean a broken file, not a shape.
    if (points.size() > 1000) {
        *why = QStringLiteral("has %1 points (at most 1000)").arg(points.size());
        return false;
    }
    RelativePolygon p;
    p.reserve(points.size());
    for (qsizetype i = 0; i < points.size(); ++i) {
        const QJsonArray xy = points.at(i).toArray();
        if (!points.at(i).isArray() || xy.size() != 2 || !xy.at(0).isDouble() || !xy.at(1).isDouble()) {
            *why = QStringLiteral("point %1 is not [x, y]").arg(i + 1);
            return false;
        }
        const double x = xy.at(0).toDouble(), y = xy.at(1).toDouble();
        if (!(x >= 0 && x <= 1 && y >= 0 && y <= 1)) {
            *why = QStringLiteral("point %1 is outside 0..1").arg(i + 1);
            return false;
        }
        // Kept as saved (polygonToJson's precision), so a load and a save give the same polygon.
        p << QPointF(std::round(x * 1e4) / 1e4, std::round(y * 1e4) / 1e4);
    }
    *out = p;
    return true;
}

QJsonArray polygonToJson(const RelativePolygon& polygon)
{
    QJsonArray a;
    for (const QPointF& pt : polygon)
        // Four decimals: a tenth of a pixel on a 1920-wide frame, and a readable file.
        a.append(QJsonArray{std::round(pt.x() * 1e4) / 1e4, std::round(pt.y() * 1e4) / 1e4});
    return a;
}

QList<RelativePolygon> polygonsFromJson(const QJsonValue& value, QStringList* errors)
{
    QList<RelativePolygon> out;
    if (!value.isArray()) {
        if (errors)
            *errors << QStringLiteral("is not a list of polygons");
        return out;
    }
    const QJsonArray list = value.toArray();
    for (qsizetype i = 0; i < list.size(); ++i) {
        RelativePolygon p;
        QString why;
        if (polygonFromJson(list.at(i), &p, &why))
            out << p;
        else if (errors)
            *errors << QStringLiteral("polygon %1 %2").arg(i + 1).arg(why);
    }
    return out;
}

QJsonArray polygonsToJson(const QList<RelativePolygon>& polygons)
{
    QJsonArray a;
    for (const RelativePolygon& p : polygons)
        a.append(polygonToJson(p));
    return a;
}

} // namespace vigil
