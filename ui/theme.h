#pragma once
// The app's dark look: Fusion with a dark palette, plus the few colours painted by hand.
#include <QColor>

#include "capture/camera_reader.h"

class QApplication;

namespace vigil::theme {

void apply(QApplication& app);
QColor accent();
QColor tileBackground();
QColor windowBackground();
QColor warning();
QColor stateColour(CameraState state);
// One colour per object label, the same in tiles, the timeline and the player.
QColor labelColour(const QString& label);

} // namespace vigil::theme
