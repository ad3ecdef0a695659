#include "demo/demo_camera.h"

#include <QMetaObject>

namespace vigil {

DemoCamera::DemoCamera(const Esp32CameraServer::Options& options, const DemoSceneOptions& scene)
    : m_options(options), m_scene(scene)
{
    m_scene.fps = options.fps;
    m_scene.loopFrames = options.loopFrames;
    m_thread.setObjectName(QStringLiteral("demo-camera"));
}

DemoCamera::~DemoCamera() { stop(); }

bool DemoCamera::start(QString* error)
{
    if (m_server)
        return true;
    m_thread.start();
    m_server = new Esp32CameraServer(m_options);
    m_server->moveToThread(&m_thread);
    bool ok = false;
    // Its own thread keeps the demo stream steady however busy the GUI is.
    QMetaObject::invokeMethod(m_server, [&] {
        ok = m_server->listen(QHostAddress::LocalHost, 0);
        m_url = m_server->url();
    }, Qt::BlockingQueuedConnection);
    if (!ok) {
        if (error)
            *error = QStringLiteral("the demo camera could not listen on 127.0.0.1");
        stop();
        return false;
    }
    m_cancelRender = false;
    m_render = std::thread([this, size = m_options.size, quality = m_options.quality, scene = m_scene] {
        const QList<QByteArray> frames = renderDemoScene(size, quality, scene, &m_cancelRender);
        if (m_server && !m_cancelRender && !frames.isEmpty())
            QMetaObject::invokeMethod(m_server, [s = m_server, frames] { s->setFrames(frames); }, Qt::QueuedConnection);
    });
    return true;
}

void DemoCamera::stop()
{
    m_cancelRender = true;
    if (m_render.joinable())
        m_render.join();
    if (m_server) {
        QMetaObject::invokeMethod(m_server, [s = m_server] { delete s; }, Qt::BlockingQueuedConnection);
        m_server = nullptr;
    }
    m_thread.quit();
    m_thread.wait();
}

QUrl DemoCamera::url() const { return m_url; }

} // namespace vigil
