#pragma once
// Small line icons drawn with QPainter (no SVG plugin needed), tinted for the dark theme.
#include <QColor>
#include <QIcon>

namespace vigil::icons {

QIcon appIcon();
QIcon addCamera();
QIcon snapshot();
QIcon snapshotAll();
QIcon focus();      // expand to one camera
QIcon grid();       // back to the grid
QIcon edit();
QIcon remove();
QIcon folder();
QIcon settings();
QIcon stats();
QIcon demo();
QIcon events();    // a list of moments (the events panel)

} // namespace vigil::icons
