#pragma once
// The built-in demo camera: an Esp32CameraServer on 127.0.0.1 (free port) in its own thread, streaming a
// moving synthetic scene at 30 FPS in exact ESP32-CAM format. A real person walks through now and
// then (see renderDemoScene), so the demo makes real detections and events.
#include <QThread>
#include <QUrl>
#include <atomic>
#include <thread>

#include "demo/esp32_camera_server.h"
#include "demo/scene_renderer.h"

namespace vigil {

class DemoCamera {
public:
    explicit DemoCamera(const Esp32CameraServer::Options& options = {}, const DemoSceneOptions& scene = {});
    ~DemoCamera();
    // Serves the background loop at once; the scene with the person (about a second to render)
    // follows from a helper thread, so starting never waits for it.
    bool start(QString* error = nullptr);
    void stop();
    QUrl url() const;  // valid after start()
    static constexpr const char* kDefaultId = "demo";

private:
    Esp32CameraServer::Options m_options;
    DemoSceneOptions m_scene;
    QThread m_thread;
    Esp32CameraServer* m_server = nullptr;  // lives in m_thread
    QUrl m_url;
    std::thread m_render;                   // m_server is set before it starts, cleared after it is joined
    std::atomic<bool> m_cancelRender{false};
};

} // namespace vigil
