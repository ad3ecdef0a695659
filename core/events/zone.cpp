#include "events/zone.h"

namespace vigil {

QPointF zoneAnchor(const QRectF& box, const QSize& frameSize)
{
    if (frameSize.width() <= 0 || frameSize.height() <= 0)
        return QPointF(-1, -1);
    return QPointF((box.x() + box.width() / 2) / frameSize.width(), (box.y() + box.height()) / frameSize.height());
}

bool zoneContains(const Zone& zone, const QPointF& relativePoint)
{
    return zone.polygon.size() >= 3 && zone.polygon.containsPoint(relativePoint, Qt::OddEvenFill);
}

} // namespace vigil
