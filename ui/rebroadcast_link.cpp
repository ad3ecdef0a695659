#include "rebroadcast_link.h"

#include <QHostAddress>
#include <QUrl>

#include "pipeline/camera.h"

#if __has_include("rebroadcast/rebroadcast_server.h")
#include "rebroadcast/rebroadcast_server.h"
#define VIGIL_HAVE_REBROADCAST 1
#else
#define VIGIL_HAVE_REBROADCAST 0
#endif

namespace vigil {

RebroadcastLink::RebroadcastLink(QObject* parent) : QObject(parent) {}

RebroadcastLink::~RebroadcastLink() { stop(); }

bool RebroadcastLink::available() { return VIGIL_HAVE_REBROADCAST; }

#if VIGIL_HAVE_REBROADCAST

// viewerUrl() may be a QUrl or a QString.
static QString toText(const QUrl& url) { return url.toString(); }
static QString toText(const QString& text) { return text; }

bool RebroadcastLink::start(const QString& bind, quint16 port, const QString& token,
                            const QList<Camera*>& cameras, QString* error)
{
    stop();
    QHostAddress address;
    if (!address.setAddress(bind.isEmpty() ? QStringLiteral("127.0.0.1") : bind)) {
        if (error)
            *error = QStringLiteral("\"%1\" is not an IP address to listen on").arg(bind);
        return false;
    }
    RebroadcastOptions options;
    options.address = address;
    options.port = port;
    options.token = token;
    m_server = new RebroadcastServer(this);
    connect(m_server, &RebroadcastServer::clientsChanged, this, &RebroadcastLink::changed);
    if (!m_server->start(options, error)) {
        delete m_server;
        m_server = nullptr;
        return false;
    }
    for (Camera* c : cameras)
        m_server->addCamera(c);
    emit changed();
    return true;
}

void RebroadcastLink::stop()
{
    if (!m_server)
        return;
    m_server->stop();
    delete m_server;
    m_server = nullptr;
    emit changed();
}

bool RebroadcastLink::isRunning() const { return m_server && m_server->isRunning(); }
QString RebroadcastLink::viewerUrl() const { return m_server ? toText(m_server->viewerUrl()) : QString(); }
int RebroadcastLink::clientCount() const { return m_server ? m_server->clientCount() : 0; }
void RebroadcastLink::addCamera(Camera* camera)
{
    if (m_server)
        m_server->addCamera(camera);
}
void RebroadcastLink::removeCamera(Camera* camera)
{
    if (m_server)
        m_server->removeCamera(camera);
}

#else  // no rebroadcast server in this build

bool RebroadcastLink::start(const QString&, quint16, const QString&, const QList<Camera*>&, QString* error)
{
    if (error)
        *error = QStringLiteral("rebroadcasting is not available in this build");
    return false;
}
void RebroadcastLink::stop() {}
bool RebroadcastLink::isRunning() const { return false; }
QString RebroadcastLink::viewerUrl() const { return {}; }
int RebroadcastLink::clientCount() const { return 0; }
void RebroadcastLink::addCamera(Camera*) {}
void RebroadcastLink::removeCamera(Camera*) {}

#endif

} // namespace vigil
