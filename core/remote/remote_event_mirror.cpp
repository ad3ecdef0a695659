#include "remote/remote_event_mirror.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QUrlQuery>
#include <QWebSocket>

#include "common/log.h"
#include "common/redact.h"
#include "events/event_service.h"
#include "events/event_store.h"
#include "remote/remote_api.h"

namespace vigil {

RemoteEventMirror::RemoteEventMirror(const RemoteNodeConfig& node, EventService* events, CameraMap cameraMap,
                                     QObject* parent)
    : QObject(parent), m_node(node), m_events(events), m_cameraMap(std::move(cameraMap)),
      m_nam(new QNetworkAccessManager(this))
{
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &RemoteEventMirror::openSocket);
}

RemoteEventMirror::~RemoteEventMirror() { stop(); }

QString RemoteEventMirror::localEventId(const QString& nodeName, const QString& remoteEventId)
{
    QString node;
    for (QChar c : nodeName)
        node.append(c.isLetterOrNumber() && c.unicode() < 128 ? c : QChar(u'_'));
    const QString id = node.left(40) + u'.' + remoteEventId;
    return isValidEventId(id) ? id : QString();
}

void RemoteEventMirror::start()
{
    if (m_running || !m_events)
        return;
    m_running = true;
    m_attempt = 0;
    openSocket();
}

void RemoteEventMirror::stop()
{
    m_running = false;
    m_retry.stop();
    m_downloads.clear();
    m_latest.clear();
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
        m_socket->deleteLater();
        m_socket = nullptr;
    }
    if (m_connected) {
        m_connected = false;
        emit connectedChanged(false);
    }
}

void RemoteEventMirror::openSocket()
{
    if (!m_running)
        return;
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->deleteLater();
    }
    m_socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    // Event messages are small; anything larger (an old node's frames) closes the socket.
    m_socket->setMaxAllowedIncomingMessageSize(kMaxMessageBytes);
    m_socket->setMaxAllowedIncomingFrameSize(kMaxMessageBytes);
    connect(m_socket, &QWebSocket::connected, this, &RemoteEventMirror::onConnected);
    connect(m_socket, &QWebSocket::disconnected, this, &RemoteEventMirror::onDisconnected);
    connect(m_socket, &QWebSocket::textMessageReceived, this, &RemoteEventMirror::onMessage);
    m_socket->open(nodeEventsSocketUrl(m_node));
}

void RemoteEventMirror::onConnected()
{
    m_attempt = 0;
    m_connected = true;
    emit connectedChanged(true);
    // Whatever happened while we were away (or before we started).
    backfill();
}

void RemoteEventMirror::onDisconnected()
{
    const bool was = m_connected;
    m_connected = false;
    if (was) {
        const QString why = m_socket ? m_socket->closeReason() : QString();
        qCInfo(lcApp).noquote() << QStringLiteral("Remote node %1: events connection closed%2")
                                       .arg(m_node.name, why.isEmpty() ? QString() : ": " + redactedText(why));
        emit connectedChanged(false);
    }
    if (!m_running)
        return;
    // Capped exponential back-off: 1 s, 2 s, 4 s ... 30 s.
    const int delay = std::min(30000, 1000 << std::min(m_attempt++, 5));
    m_retry.start(delay);
}

void RemoteEventMirror::onMessage(const QString& text)
{
    const QJsonObject m = QJsonDocument::fromJson(text.toUtf8()).object();
    if (m.value("type").toString() != QLatin1String("event"))
        return;
    const QString kind = m.value("event").toString();
    if (kind != QLatin1String("new") && kind != QLatin1String("update") && kind != QLatin1String("end"))
        return;  // "delete": the local copy stays (see the header)
    if (const std::optional<Event> e = parseRemoteEvent(m.value("data").toObject()))
        onRemoteEvent(*e, true);
}

void RemoteEventMirror::backfill()
{
    QUrlQuery q;
    q.addQueryItem("after", QString::number(QDateTime::currentMSecsSinceEpoch() / 1000.0 - kBackfillS, 'f', 0));
    q.addQueryItem("limit", QString::number(kBackfillLimit));
    getFromNode(m_nam, nodeUrl(m_node.url, "/api/events", q), m_node.token, kMaxListBytes, this,
                [this](const NodeReply& r) {
        if (!r.ok()) {
            qCInfo(lcApp).noquote() << QStringLiteral("Remote node %1: recent events not read: %2").arg(m_node.name, r.error);
            return;
        }
        const QJsonArray list = QJsonDocument::fromJson(r.body).array();
        // Newest first on the node: import oldest first, like they happened.
        for (qsizetype i = list.size() - 1; i >= 0; --i)
            if (const std::optional<Event> e = parseRemoteEvent(list.at(i).toObject()))
                onRemoteEvent(*e, false);
    });
}

bool RemoteEventMirror::admit()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (now - m_windowStartMs >= 60000) {
        m_windowStartMs = now;
        m_windowCount = 0;
    }
    if (m_windowCount >= kMaxEventsPerMinute) {
        ++m_dropped;
        return false;
    }
    ++m_windowCount;
    return true;
}

EventStore* RemoteEventMirror::localStore()
{
    if (!m_store && m_events)
        m_store = EventStore::openReadOnly(m_events->folder());
    return m_store.get();
}

Event RemoteEventMirror::toLocal(const Event& remote) const
{
    Event e = remote;
    e.id = localEventId(m_node.name, remote.id);
    e.camera = m_cameraMap(remote.camera);
    e.hasSnapshot = false;  // the store decides, from the pictures it has
    e.hasClip = false;
    return e;
}

void RemoteEventMirror::onRemoteEvent(const Event& remote, bool live)
{
    const QString localId = localEventId(m_node.name, remote.id);
    if (localId.isEmpty() || !m_running)
        return;
    std::optional<Event> local;
    if (EventStore* store = localStore())
        local = store->event(localId, false);
    const bool complete = local && local->endTime && (local->hasSnapshot || !remote.hasSnapshot);
    if (complete && remote.endTime)
        return;  // imported before, pictures and all (an update after the end, or a backfill)
    if (!admit())
        return;
    if (m_latest.contains(remote.id)) {
        m_latest.insert(remote.id, remote);  // its pictures are on their way; imported with them
        return;
    }
    if (remote.endTime && remote.hasSnapshot && !(local && local->hasSnapshot)) {
        m_latest.insert(remote.id, remote);
        queuePictures(remote.id, live);
        return;
    }
    import(remote);
}

void RemoteEventMirror::import(const Event& remote, const QByteArray& thumbnail, const QByteArray& snapshot)
{
    const Event local = toLocal(remote);
    if (local.id.isEmpty() || local.camera.isEmpty())
        return;
    if (m_events->importEvent(local, thumbnail, snapshot))
        ++m_imported;
    else
        ++m_dropped;
}

void RemoteEventMirror::queuePictures(const QString& remoteId, bool first)
{
    if (m_downloads.contains(remoteId))
        return;
    if (m_downloads.size() >= kMaxQueuedDownloads) {
        // Too many waiting: stored without pictures for now.
        import(m_latest.take(remoteId));
        return;
    }
    if (first)
        m_downloads.prepend(remoteId);
    else
        m_downloads.append(remoteId);
    nextDownload();
}

void RemoteEventMirror::nextDownload()
{
    if (m_downloading || m_downloads.isEmpty() || !m_running)
        return;
    m_downloading = true;
    const QString id = m_downloads.takeFirst();
    const QString base = QStringLiteral("/api/events/%1").arg(id);  // a checked id: [A-Za-z0-9_.-]
    // One at a time, in three steps: the event with its track, the thumbnail, the clean snapshot.
    getFromNode(m_nam, nodeUrl(m_node.url, base), m_node.token, kMaxEventBytes, this, [this, id, base](const NodeReply& r) {
        Event remote = m_latest.value(id);
        if (r.ok())
            if (const std::optional<Event> full = parseRemoteEvent(QJsonDocument::fromJson(r.body).object()); full && full->id == id)
                remote = *full;
        getFromNode(m_nam, nodeUrl(m_node.url, base + "/thumbnail.jpg"), m_node.token, kMaxThumbnailBytes, this,
                    [this, remote, base](const NodeReply& thumb) {
            QUrlQuery clean;
            clean.addQueryItem("bbox", "0");
            getFromNode(m_nam, nodeUrl(m_node.url, base + "/snapshot.jpg", clean), m_node.token, kMaxSnapshotBytes, this,
                        [this, remote, thumb](const NodeReply& snap) {
                if (!snap.ok())
                    qCInfo(lcApp).noquote() << QStringLiteral("Remote node %1: snapshot of %2 not read: %3")
                                                   .arg(m_node.name, remote.id, snap.error);
                finishDownload(remote, thumb.ok() ? thumb.body : QByteArray(), snap.ok() ? snap.body : QByteArray());
            });
        });
    });
}

void RemoteEventMirror::finishDownload(const Event& remote, const QByteArray& thumbnail, const QByteArray& snapshot)
{
    m_downloading = false;
    // A newer state heard meanwhile (e.g. the clip attached) wins over what was fetched, but
    // keeps the fetched track.
    Event latest = m_latest.take(remote.id);
    if (latest.id.isEmpty())
        latest = remote;
    else if (latest.track.isEmpty())
        latest.track = remote.track;
    if (m_running && !latest.id.isEmpty())
        import(latest, snapshot.isEmpty() ? QByteArray() : thumbnail, snapshot);
    nextDownload();
}

} // namespace vigil
