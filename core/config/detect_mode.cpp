#include "config/detect_mode.h"

namespace vigil {

QString detectModeName(DetectMode mode)
{
    switch (mode) {
    case DetectMode::Always: return QStringLiteral("always");
    case DetectMode::Motion: return QStringLiteral("motion");
    case DetectMode::Off: return QStringLiteral("off");
    }
    return QStringLiteral("motion");
}

bool parseDetectMode(const QString& text, DetectMode* mode)
{
    const QString t = text.trimmed().toLower();
    for (DetectMode m : {DetectMode::Always, DetectMode::Motion, DetectMode::Off})
        if (t == detectModeName(m)) {
            *mode = m;
            return true;
        }
    return false;
}

} // namespace vigil
