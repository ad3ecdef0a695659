#include "rebroadcast/mjpeg_viewer.h"

#include "rebroadcast/mjpeg_part.h"

namespace vigil {

MjpegViewer::MjpegViewer(QTcpSocket* socket, const QString& cameraId, const QString& path,
                         qint64 maxBacklogBytes, QObject* parent)
    : QObject(parent), m_socket(socket), m_cameraId(cameraId), m_path(path), m_maxBacklog(qMax<qint64>(maxBacklogBytes, 1))
{
    m_peer = socket->peerAddress().toString() + ':' + QString::number(socket->peerPort());
    connect(socket, &QTcpSocket::bytesWritten, this, &MjpegViewer::onBytesWritten);
    connect(socket, &QTcpSocket::disconnected, this, &MjpegViewer::finish);
    connect(socket, &QObject::destroyed, this, &MjpegViewer::finish);
    socket->write(mjpegResponseHead());
}

MjpegViewer::~MjpegViewer()
{
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->disconnectFromHost();
    }
}

bool MjpegViewer::canSend() const
{
    return m_socket && m_socket->bytesToWrite() < m_maxBacklog;
}

void MjpegViewer::offerFrame(const OutgoingFramePtr& frame)
{
    if (m_finished)
        return;
    if (canSend()) {
        send(frame->frame());
        return;
    }
    if (m_pending)
        ++m_superseded;
    m_pending = frame;
}

void MjpegViewer::send(const ProcessedFrame& f)
{
    // Same X-Timestamp form as an ESP32-CAM, so another Vigil keeps the camera's timestamp.
    writeMjpegPart(m_socket, f.jpeg, formatXTimestamp(f.captureUs));
    m_maxSeenBacklog = qMax(m_maxSeenBacklog, m_socket->bytesToWrite());
    ++m_sent;
}

void MjpegViewer::onBytesWritten()
{
    if (m_pending && canSend() && !m_finished) {
        const OutgoingFramePtr f = std::move(m_pending);
        m_pending.reset();
        send(f->frame());
    }
}

void MjpegViewer::finish()
{
    if (m_finished)
        return;
    m_finished = true;
    m_pending.reset();
    emit finished();
}

RebroadcastClientStats MjpegViewer::stats() const
{
    RebroadcastClientStats s;
    s.kind = "mjpeg";
    s.path = m_path;
    s.peer = m_peer;
    s.framesSent = m_sent;
    s.framesSuperseded = m_superseded;
    s.backlogBytes = m_socket ? m_socket->bytesToWrite() : 0;
    s.maxBacklogBytes = m_maxSeenBacklog;
    return s;
}

} // namespace vigil
