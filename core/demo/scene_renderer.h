#pragma once
// Synthetic moving scene for the demo camera and benchmarks.
#include <QByteArray>
#include <QImage>
#include <QList>
#include <QSize>
#include <atomic>

namespace vigil {

// Renders `count` consecutive JPEG frames of a moving scene (looping smoothly), with the frame
// number drawn in. Rendered once up front so serving costs no CPU.
QList<QByteArray> renderDemoLoop(QSize size, int count, int quality = 80);

// The demo camera's scene: the loop above, and now and then a real person (a photo cut-out,
// resources/demo/person.png) walks in, stops, and walks out, so a real model makes real
// detections and events. Frames without the person are the loop's own bytes repeated (implicitly
// shared), so a 40 s scene at 30 FPS holds about 330 distinct JPEGs (about 10 MB at 640x480).
struct DemoSceneOptions {
    double fps = 30;
    int loopFrames = 60;       // the background loop
    double periodS = 40;       // the person comes back this often
    double walkS = 10;         // of which it is in view this long
};
// Returns nothing when *cancel becomes true.
QList<QByteArray> renderDemoScene(QSize size, int quality = 80, const DemoSceneOptions& options = {},
                                  const std::atomic<bool>* cancel = nullptr);

// The cut-out (RGBA, premultiplied alpha not used), from the resources; null if missing.
QImage demoPersonImage();

} // namespace vigil
