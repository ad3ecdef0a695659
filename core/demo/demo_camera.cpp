#include "demo/demo_camera.h"

#include <QMetaObject>

namespace vigil {

DemoCamera::DemoCamera(const Esp32CameraServer::Options& options) : m_options(options)
{
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
    }
    return ok;
}

void DemoCamera::stop()
{
    if (m_server) {
        QMetaObject::invokeMethod(m_server, [s = m_server] { delete s; }, Qt::BlockingQueuedConnection);
        m_server = nullptr;
    }
    m_thread.quit();
    m_thread.wait();
}

QUrl DemoCamera::url() const { return m_url; }

} // namespace vigil
