#include "rebroadcast/mjpeg_viewer.h"

namespace vigil {

MjpegViewer::MjpegViewer(QTcpSocket* socket, const QString& cameraId, const QString& path,
                         qint64 maxBacklogBytes, QObject* parent)
    : QObject(parent), m_socket(socket), m_cameraId(cameraId), m_path(path), m_maxBacklog(qMax<qint64>(maxBacklogBytes, 1))
{
    m_peer = socket->peerAddress().toString() + ':' + QString::number(socket->peerPort());
    connect(socket, &QTcpSocket::bytesWritten, this, &MjpegViewer::onBytesWritten);
    connect(socket, &QTcpSocket::disconnected, this, &MjpegViewer::finish);
    connect(socket, &QObject::destroyed, this, &MjpegViewer::finish);
    // Not chunked: the body simply runs until the connection closes, as cameras do.
    socket->write(QByteArrayLiteral("HTTP/1.1 200 OK\r\n"
                                    "Content-Type: multipart/x-mixed-replace; boundary=")
                  + kBoundary
                  + QByteArrayLiteral("\r\n"
                                      "Cache-Control: no-cache, no-store, must-revalidate\r\n"
                                      "Pragma: no-cache\r\n"
                                      "Connection: close\r\n"
                                      "\r\n"));
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
    QByteArray part;
    part.reserve(f.jpeg.size() + 160);
    part.append("--").append(kBoundary).append("\r\nContent-Type: image/jpeg\r\nContent-Length: ")
        .append(QByteArray::number(f.jpeg.size()));
    if (f.captureUs >= 0) {
        // Same form as an ESP32-CAM, so another Vigil keeps the camera's timestamp.
        part.append("\r\nX-Timestamp: ").append(QByteArray::number(f.captureUs / 1000000)).append('.')
            .append(QByteArray::number(f.captureUs % 1000000).rightJustified(6, '0'));
    }
    part.append("\r\n\r\n").append(f.jpeg).append("\r\n");
    m_socket->write(part);
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
