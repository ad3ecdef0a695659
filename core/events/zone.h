#pragma once
// Event zones: named polygons in frame-relative coordinates (0..1), as the config stores them.
#include <QPointF>
#include <QPolygonF>
#include <QRectF>
#include <QSize>
#include <QString>

namespace vigil {

struct Zone {
    QString name;
    QPolygonF polygon;            // points in 0..1 of the frame's width and height
    bool required = false;        // a camera with required zones makes events only for objects
                                  // that entered one of them
    bool operator==(const Zone&) const = default;
};

// Where an object stands: the bottom centre of its box, relative to the frame (0..1). A person's
// head over a flower bed is not a person in the flower bed. Invalid size: (-1, -1).
QPointF zoneAnchor(const QRectF& box, const QSize& frameSize);

// Whether a relative point is inside the zone's polygon (odd-even rule; fewer than 3 points: never).
bool zoneContains(const Zone& zone, const QPointF& relativePoint);

} // namespace vigil
