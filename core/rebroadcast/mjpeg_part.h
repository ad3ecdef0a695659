#pragma once
// The multipart/x-mixed-replace framing both MJPEG endpoints write (stream.mjpeg, source.mjpeg):
// one response head, then per frame a part head, the JPEG and CRLF. The body is not chunked and
// lasts until the connection closes, as cameras do.
#include <QByteArray>

class QTcpSocket;

namespace vigil {

inline constexpr char kMjpegBoundary[] = "vigilframe";

// "HTTP/1.1 200 OK" with the multipart content type, no-cache and Connection: close.
QByteArray mjpegResponseHead();
// "--vigilframe", Content-Type, Content-Length and, when not empty, X-Timestamp, then the blank line.
QByteArray mjpegPartHead(qsizetype jpegBytes, const QByteArray& xTimestamp);
// The ESP32-CAM form of a camera timestamp: "<seconds>.<microseconds>".
QByteArray formatXTimestamp(qint64 captureUs);
// Writes one part. The JPEG goes in as its own write: Qt keeps a reference to a QByteArray of
// 4 KiB or more in the socket's buffer instead of copying it, so every viewer shares the bytes.
void writeMjpegPart(QTcpSocket* socket, const QByteArray& jpeg, const QByteArray& xTimestamp);

} // namespace vigil
