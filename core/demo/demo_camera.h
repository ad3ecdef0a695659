#pragma once
// The built-in demo camera: an Esp32CameraServer on 127.0.0.1 (free port) in its own thread, streaming a
// moving synthetic scene at 30 FPS in exact ESP32-CAM format.
#include <QThread>
#include <QUrl>

#include "demo/esp32_camera_server.h"

namespace vigil {

class DemoCamera {
public:
    explicit DemoCamera(const Esp32CameraServer::Options& options = {});
    ~DemoCamera();
    bool start(QString* error = nullptr);
    void stop();
    QUrl url() const;  // valid after start()
    static constexpr const char* kDefaultId = "demo";

private:
    Esp32CameraServer::Options m_options;
    QThread m_thread;
    Esp32CameraServer* m_server = nullptr;  // lives in m_thread
    QUrl m_url;
};

} // namespace vigil
