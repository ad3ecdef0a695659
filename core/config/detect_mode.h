#pragma once
// When a camera runs the object detector: on every processed frame, only where something moves
// (plus a heartbeat), or never. Config and CLI spell it "always" | "motion" | "off".
#include <QString>

namespace vigil {

enum class DetectMode { Always, Motion, Off };

QString detectModeName(DetectMode mode);
// False (and *mode untouched) for anything but the three names (case-insensitive).
bool parseDetectMode(const QString& text, DetectMode* mode);

} // namespace vigil
