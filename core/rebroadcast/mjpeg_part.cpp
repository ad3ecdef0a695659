#include "rebroadcast/mjpeg_part.h"

#include <QTcpSocket>

namespace vigil {

QByteArray mjpegResponseHead()
{
    return QByteArrayLiteral("HTTP/1.1 200 OK\r\n"
                             "Content-Type: multipart/x-mixed-replace; boundary=")
           + kMjpegBoundary
           + QByteArrayLiteral("\r\n"
                               "Cache-Control: no-cache, no-store, must-revalidate\r\n"
                               "Pragma: no-cache\r\n"
                               "Connection: close\r\n"
                               "\r\n");
}

QByteArray mjpegPartHead(qsizetype jpegBytes, const QByteArray& xTimestamp)
{
    QByteArray head;
    head.reserve(128);
    head.append("--").append(kMjpegBoundary).append("\r\nContent-Type: image/jpeg\r\nContent-Length: ")
        .append(QByteArray::number(jpegBytes));
    if (!xTimestamp.isEmpty())
        head.append("\r\nX-Timestamp: ").append(xTimestamp);
    head.append("\r\n\r\n");
    return head;
}

QByteArray formatXTimestamp(qint64 captureUs)
{
    if (captureUs < 0)
        return {};
    return QByteArray::number(captureUs / 1000000) + '.'
           + QByteArray::number(captureUs % 1000000).rightJustified(6, '0');
}

void writeMjpegPart(QTcpSocket* socket, const QByteArray& jpeg, const QByteArray& xTimestamp)
{
    socket->write(mjpegPartHead(jpeg.size(), xTimestamp));
    socket->write(jpeg);
    socket->write(QByteArrayLiteral("\r\n"));
}

} // namespace vigil
