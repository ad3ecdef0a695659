#pragma once
// A camera's motion settings, as the user tunes them (config keys in parentheses).
#include <QList>

#include "config/polygons.h"

namespace vigil {

struct MotionSettings {
    int threshold = 25;               // 1..255 difference in the small luma image ("motion_threshold")
    double minAreaPct = 0.1;          // smallest moving region, % of the frame ("motion_min_area")
    QList<RelativePolygon> masks;     // motion is ignored inside these ("motion_masks")
    bool operator==(const MotionSettings&) const = default;
};

} // namespace vigil
