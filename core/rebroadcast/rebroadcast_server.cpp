#include "rebroadcast/rebroadcast_server.h"

#include <QUrlQuery>

#include "pipeline/camera.h"
#include "common/log.h"
#include "common/redact.h"
#include "rebroadcast/camera_feed.h"
#include "rebroadcast/camera_registry.h"
#include "rebroadcast/server_core.h"

// Static library: the viewer resources must be pulled in explicitly (outside any namespace).
static void initViewerResources() { Q_INIT_RESOURCE(vigil_viewer); }

namespace vigil {

RebroadcastServer::RebroadcastServer(QObject* parent)
    : QObject(parent), m_registry(std::make_shared<CameraRegistry>())
{
    initViewerResources();
    m_thread.setObjectName(QStringLiteral("rebroadcast"));
    m_core = new ServerCore(m_registry);
    m_core->moveToThread(&m_thread);
    connect(m_core, &ServerCore::clientsChanged, this, &RebroadcastServer::clientsChanged, Qt::QueuedConnection);
    m_thread.start();
}

RebroadcastServer::~RebroadcastServer()
{
    // Detach every feed here (no delivery, no camera access afterwards), then let the server
    // thread close its clients and delete the feeds.
    const QList<CameraFeed*> feeds = m_registry->clear();
    QMetaObject::invokeMethod(m_core, [core = m_core, feeds] {
        core->stop();
        qDeleteAll(feeds);
        delete core;
    }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

bool RebroadcastServer::start(const RebroadcastOptions& options, QString* error)
{
    stop();
    bool ok = false;
    quint16 port = 0;
    QString err;
    QMetaObject::invokeMethod(m_core, [&] { ok = m_core->start(options, &err, &port); },
                              Qt::BlockingQueuedConnection);
    m_options = options;
    m_port = ok ? port : 0;
    if (!ok) {
        if (error)
            *error = err;
        return false;
    }
    qCInfo(lcServer).noquote() << "rebroadcast: serving on" << redactedUrlString(viewerUrl());
    return true;
}

void RebroadcastServer::stop()
{
    if (!m_port)
        return;
    QMetaObject::invokeMethod(m_core, [core = m_core] { core->stop(); }, Qt::BlockingQueuedConnection);
    m_port = 0;
}

QUrl RebroadcastServer::viewerUrl() const
{
    if (!isRunning())
        return {};
    QHostAddress host = m_options.address;
    // A wildcard address is not something to browse to: use loopback for the local user.
    if (host == QHostAddress::Any || host == QHostAddress::AnyIPv4)
        host = QHostAddress::LocalHost;
    else if (host == QHostAddress::AnyIPv6)
        host = QHostAddress::LocalHostIPv6;
    QUrl url;
    url.setScheme("http");
    url.setHost(host.toString());
    url.setPort(port());
    url.setPath("/");
    if (!m_options.token.isEmpty()) {
        QUrlQuery q;
        q.addQueryItem("token", QString::fromUtf8(QUrl::toPercentEncoding(m_options.token)));
        url.setQuery(q);
    }
    return url;
}

void RebroadcastServer::addCamera(Camera* camera)
{
    if (!camera || !m_registry->add(camera, camera->id()))
        return;
    // Fallback for a camera deleted without removeCamera(): forget it as early as Qt tells us.
    connect(camera, &QObject::destroyed, this, [this, camera] { forget(camera, false); }, Qt::DirectConnection);
    QMetaObject::invokeMethod(m_core, [core = m_core, camera] { core->attachCamera(camera); }, Qt::QueuedConnection);
}

void RebroadcastServer::removeCamera(Camera* camera) { forget(camera, true); }

void RebroadcastServer::forget(Camera* camera, bool cameraAlive)
{
    QString id;
    CameraFeed* feed = m_registry->remove(camera, &id, cameraAlive);  // detached: nothing reaches it any more
    disconnect(camera, &QObject::destroyed, this, nullptr);
    if (id.isEmpty() && !feed)
        return;
    QMetaObject::invokeMethod(m_core, [core = m_core, feed, id] { core->dropFeed(feed, id); },
                              Qt::QueuedConnection);
}

void RebroadcastServer::setEventService(EventService* service)
{
    QMetaObject::invokeMethod(m_core, [core = m_core, service] { core->setEventService(service); },
                              Qt::BlockingQueuedConnection);
}

void RebroadcastServer::setMqttStatusBoard(std::shared_ptr<const MqttStatusBoard> board)
{
    QMetaObject::invokeMethod(m_core, [core = m_core, board] { core->setMqttStatusBoard(board); },
                              Qt::BlockingQueuedConnection);
}

int RebroadcastServer::clientCount() const { return m_core->clientCount(); }

QList<RebroadcastClientStats> RebroadcastServer::clientStats() const
{
    QList<RebroadcastClientStats> out;
    QMetaObject::invokeMethod(m_core, [&] { out = m_core->clientStats(); }, Qt::BlockingQueuedConnection);
    return out;
}

} // namespace vigil
