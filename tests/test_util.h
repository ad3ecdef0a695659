#pragma once
// Shared helpers for tests: where the shared models and photos are.
#include <QFile>
#include <QString>
#include <QUrl>
#include <opencv2/core.hpp>

#include "config/camera_config.h"

namespace vigil::test {

// $VIGIL_MODELS_DIR, else <source>/../shared/models.
QString modelsDir();
// $VIGIL_TESTDATA_DIR, else <source>/../shared/testdata.
QString testdataDir();
// Reads a whole file; empty on failure.
QByteArray readFile(const QString& path);
// A JPEG photo as 8-bit BGR, through the app's own decoder; empty on failure.
cv::Mat readPhotoBgr(const QString& path);

// The person of the shared person.jpg (objects.json: [189, 97, 277, 374], with a margin), scaled
// to `height` pixels; empty when the photo is absent.
cv::Mat personSprite(int height);
// A 640x480 yard: a gentle gradient with texture, like real ground.
cv::Mat yardBackground();
// A copy of `background` with `sprite` at (x, y), clipped to the frame (it may walk in or out).
cv::Mat withSprite(const cv::Mat& background, const cv::Mat& sprite, int x, int y);

// This process's resident set (VmRSS) in KiB; 0 when unknown.
inline qint64 residentKiB()
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray& line : f.readAll().split('\n'))
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    return 0;
}

// A camera without detection that takes every frame and gives up and retries quickly, so a test
// sees a failure's reason within seconds.
inline CameraConfig quickCameraConfig(const QString& id, const QUrl& url)
{
    CameraConfig c;
    c.id = id;
    c.url = url;
    c.detect = vigil::DetectMode::Off;
    c.skipFrames = 1;
    c.maxFps = 0;
    c.connectTimeoutMs = 2000;
    c.stallTimeoutMs = 1000;
    c.backoffInitialMs = 200;
    c.backoffMaxMs = 1000;
    return c;
}

} // namespace vigil::test
