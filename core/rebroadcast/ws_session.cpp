#include "rebroadcast/ws_session.h"

#include <QDateTime>

#include "rebroadcast/frame_message.h"

namespace vigil {

WsSession::WsSession(std::unique_ptr<QWebSocket> socket, const QString& cameraId, bool binary,
                     qint64 maxBacklogBytes, QObject* parent)
    : QObject(parent), m_socket(std::move(socket)), m_cameraId(cameraId), m_binary(binary),
      m_maxBacklog(qMax<qint64>(maxBacklogBytes, 1))
{
    m_path = m_socket->requestUrl().path();
    m_peer = m_socket->peerAddress().toString() + ':' + QString::number(m_socket->peerPort());
    connect(m_socket.get(), &QWebSocket::bytesWritten, this, &WsSession::onBytesWritten);
    connect(m_socket.get(), &QWebSocket::disconnected, this, [this] {
        if (!m_finished) {
            m_finished = true;
            m_pending.clear();
            m_pendingEvents.clear();
            emit finished();
        }
    });
    // Clients only listen; ignore anything they send.
}

WsSession::~WsSession()
{
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
    }
}

void WsSession::offerFrame(const OutgoingFramePtr& frame)
{
    if (m_finished)
        return;
    const QString& id = frame->frame().cameraId;
    if (!m_cameraId.isEmpty() && id != m_cameraId)
        return;
    if (canSend()) {
        send(*frame);
        return;
    }
    Pending& p = m_pending[id];
    if (p.frame)
        ++m_superseded;
    p.frame = frame;
}

void WsSession::offerStats(const QString& cameraId, const QByteArray& json)
{
    if (m_finished || (!m_cameraId.isEmpty() && cameraId != m_cameraId))
        return;
    if (canSend())
        sendStats(json);
    else
        m_pending[cameraId].stats = json;  // an older unsent stats message is simply outdated
}

void WsSession::offerEvent(const QString& cameraId, const QString& eventId, bool isUpdate, const QString& text)
{
    if (m_finished || (!m_cameraId.isEmpty() && !cameraId.isEmpty() && cameraId != m_cameraId))
        return;
    if (m_pendingEvents.isEmpty() && canSend()) {
        sendEvent(text);
        return;
    }
    if (isUpdate) {
        // An update carries the whole event: when the last waiting message of this event is an
        // update too, it is outdated (never reorder past a new/end of the same event).
        for (auto it = m_pendingEvents.rbegin(); it != m_pendingEvents.rend(); ++it) {
            if (it->eventId != eventId)
                continue;
            if (it->isUpdate) {
                it->text = text;
                return;
            }
            break;
        }
    }
    if (m_pendingEvents.size() >= kMaxPendingEvents) {
        m_pendingEvents.removeFirst();
        ++m_eventsDropped;
    }
    m_pendingEvents.append({eventId, isUpdate, text});
}

void WsSession::closeWith(QWebSocketProtocol::CloseCode code, const QString& reason)
{
    m_pending.clear();
    m_pendingEvents.clear();
    m_socket->close(code, reason);
}

void WsSession::send(const OutgoingFrame& out)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    qint64 n;
    if (m_binary)
        n = m_socket->sendBinaryMessage(out.binaryMessage(now));
    else
        n = m_socket->sendTextMessage(out.textMessage(now));
    ++m_sent;
    account(n);
}

void WsSession::sendStats(const QByteArray& json)
{
    account(m_socket->sendTextMessage(QString::fromUtf8(json)));
}

void WsSession::sendEvent(const QString& text)
{
    ++m_eventsSent;
    account(m_socket->sendTextMessage(text));
}

void WsSession::account(qint64 payloadBytes)
{
    if (payloadBytes <= 0)
        return;
    // bytesWritten() counts wire bytes: add the frame headers (server frames are not masked).
    const qint64 fragment = qMax<qint64>(1, qint64(m_socket->outgoingFrameSize()));
    const qint64 fragments = (payloadBytes + fragment - 1) / fragment;
    const qint64 perHeader = payloadBytes > 65535 ? 10 : (payloadBytes > 125 ? 4 : 2);
    m_backlog += payloadBytes + fragments * perHeader;
    m_maxSeenBacklog = qMax(m_maxSeenBacklog, m_backlog);
}

void WsSession::onBytesWritten(qint64 bytes)
{
    m_backlog = qMax<qint64>(0, m_backlog - bytes);
    // Events first: they are few and each one counts.
    while (!m_pendingEvents.isEmpty() && canSend() && !m_finished)
        sendEvent(m_pendingEvents.takeFirst().text);
    if (!m_pendingEvents.isEmpty())
        return;
    // Drain what waited (one frame + one stats per camera, all the latest). Keys are copied: a
    // write error may disconnect synchronously and clear m_pending.
    const QList<QString> ids = m_pending.keys();
    for (const QString& id : ids) {
        if (!canSend() || m_finished)
            return;
        auto it = m_pending.find(id);
        if (it == m_pending.end())
            continue;
        Pending p = std::move(*it);
        m_pending.erase(it);
        if (!p.stats.isEmpty())
            sendStats(p.stats);
        if (p.frame) {
            if (canSend() && !m_finished)
                send(*p.frame);
            else if (!m_finished)
                m_pending[id].frame = std::move(p.frame);
        }
    }
}

RebroadcastClientStats WsSession::stats() const
{
    RebroadcastClientStats s;
    s.kind = "ws";
    s.path = m_path;
    s.peer = m_peer;
    s.binary = m_binary;
    s.framesSent = m_sent;
    s.framesSuperseded = m_superseded;
    s.backlogBytes = m_backlog;
    s.maxBacklogBytes = m_maxSeenBacklog;
    s.eventsSent = m_eventsSent;
    s.eventsDropped = m_eventsDropped;
    return s;
}

} // namespace vigil
