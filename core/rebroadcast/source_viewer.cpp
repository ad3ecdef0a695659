#include "rebroadcast/source_viewer.h"

#include <array>

#include "capture/part_timestamp.h"
#include "rebroadcast/mjpeg_part.h"

namespace vigil {

namespace {
// The camera's own X-Timestamp as it sent it, when it is one (see parseTimestampUs); anything
// else is left out rather than echoed into our headers.
QByteArray passThroughTimestamp(const PartHeaders& headers)
{
    for (const auto& [name, value] : headers) {
        if (name.compare("X-Timestamp", Qt::CaseInsensitive) != 0)
            continue;
        const QByteArray v = value.trimmed();
        return v.size() <= 32 && parseTimestampUs(v) >= 0 ? v : QByteArray();
    }
    return {};
}
} // namespace

SourceViewer::SourceViewer(QTcpSocket* socket, const QString& cameraId, const QString& path,
                           qint64 maxBacklogBytes, QObject* parent)
    : QObject(parent), m_socket(socket), m_cameraId(cameraId), m_path(path), m_maxBacklog(qMax<qint64>(maxBacklogBytes, 1))
{
    m_peer = socket->peerAddress().toString() + ':' + QString::number(socket->peerPort());
    connect(socket, &QTcpSocket::bytesWritten, this, &SourceViewer::pump);
    connect(socket, &QTcpSocket::disconnected, this, &SourceViewer::finish);
    connect(socket, &QObject::destroyed, this, &SourceViewer::finish);
    socket->write(mjpegResponseHead());
}

SourceViewer::~SourceViewer()
{
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->disconnectFromHost();
    }
}

void SourceViewer::offer(const EncodedFrame& frame)
{
    std::array<Slot, kMaxQueued> released;  // frames replaced here are freed outside the lock
    {
        std::lock_guard lock(m_queueMutex);
        if (m_behind || m_queue.size() >= kMaxQueued) {
            const size_t keep = m_behind ? 0 : kMaxQueued - 1;
            for (size_t i = 0; m_queue.size() > keep; ++i) {
                released[i] = std::move(m_queue.front());
                m_queue.pop_front();
                ++m_skipped;
            }
        }
        m_queue.push_back({frame.jpeg, frame.headers});  // reference counts only
    }
    if (!m_wakePosted.exchange(true))
        QMetaObject::invokeMethod(this, &SourceViewer::pump, Qt::QueuedConnection);
}

void SourceViewer::pump()
{
    m_wakePosted.store(false);  // before taking: a frame offered from now on posts its own wake-up
    std::deque<Slot> released;  // freed outside the lock
    while (!m_finished && m_socket) {
        Slot slot;
        {
            std::lock_guard lock(m_queueMutex);
            m_behind = m_socket->bytesToWrite() >= m_maxBacklog;
            if (m_behind) {
                // Only the newest waits (for bytesWritten); the rest is skipped.
                while (m_queue.size() > 1) {
                    released.push_back(std::move(m_queue.front()));
                    m_queue.pop_front();
                    ++m_skipped;
                }
                break;
            }
            if (m_queue.empty())
                break;
            slot = std::move(m_queue.front());
            m_queue.pop_front();
        }
        writeMjpegPart(m_socket, slot.jpeg, passThroughTimestamp(slot.headers));
        m_maxSeenBacklog = qMax(m_maxSeenBacklog, m_socket->bytesToWrite());
        ++m_sent;
    }
}

void SourceViewer::finish()
{
    if (m_finished)
        return;
    m_finished = true;
    std::deque<Slot> released;
    {
        std::lock_guard lock(m_queueMutex);
        released.swap(m_queue);
    }
    emit finished();
}

RebroadcastClientStats SourceViewer::stats() const
{
    RebroadcastClientStats s;
    s.kind = "source";
    s.path = m_path;
    s.peer = m_peer;
    s.framesSent = m_sent;
    s.framesSuperseded = m_skipped.load();
    s.backlogBytes = m_socket ? m_socket->bytesToWrite() : 0;
    s.maxBacklogBytes = m_maxSeenBacklog;
    return s;
}

} // namespace vigil
