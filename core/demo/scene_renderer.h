#pragma once
// Synthetic moving scene for the demo camera and benchmarks.
#include <QByteArray>
#include <QList>
#include <QSize>

namespace vigil {

// Renders `count` consecutive JPEG frames of a moving scene (looping smoothly), with the frame
// number drawn in. Rendered once up front so serving costs no CPU.
QList<QByteArray> renderDemoLoop(QSize size, int count, int quality = 80);

} // namespace vigil
