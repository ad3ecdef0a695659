#include "config/limits.h"

#include <QJsonArray>

#include "config/json_reader.h"

namespace vigil {

QJsonObject Limits::toJson() const
{
    return QJsonObject{
        {"max_boundary_bytes", capture.maxBoundaryBytes},
        {"max_part_header_bytes", capture.maxPartHeaderBytes},
        {"max_part_bytes", double(capture.maxPartBytes)},
        {"read_buffer_bytes", double(capture.readBufferBytes)},
        {"max_jpeg_width", capture.maxJpegSize.width()},
        {"max_jpeg_height", capture.maxJpegSize.height()},
        {"max_request_header_bytes", server.maxRequestHeaderBytes},
        {"max_request_body_bytes", double(server.maxRequestBodyBytes)},
        {"max_ws_message_bytes", double(server.maxWsMessageBytes)},
        {"max_connections_per_peer", server.maxConnectionsPerPeer},
        {"allowed_origins", QJsonArray::fromStringList(server.allowedOrigins)},
        {"allowed_hosts", QJsonArray::fromStringList(server.allowedHosts)},
    };
}

Limits Limits::fromJson(const QJsonObject& o, QStringList* errors)
{
    JsonReader r(o, errors, {}, QStringLiteral("limits."));
    Limits l;
    CaptureLimits& c = l.capture;
    ServerLimits& s = l.server;
    constexpr qint64 kGiB = 1024LL * 1024 * 1024;
    r.read("max_boundary_bytes", c.maxBoundaryBytes, 70, 4096);
    r.read("max_part_header_bytes", c.maxPartHeaderBytes, 256, 1 << 20);
    r.read("max_part_bytes", c.maxPartBytes, 64 * 1024, kGiB);
    r.read("read_buffer_bytes", c.readBufferBytes, 16 * 1024, kGiB);
    int w = c.maxJpegSize.width(), h = c.maxJpegSize.height();
    r.read("max_jpeg_width", w, 16, 65500);
    r.read("max_jpeg_height", h, 16, 65500);
    c.maxJpegSize = QSize(w, h);
    r.read("max_request_header_bytes", s.maxRequestHeaderBytes, 1024, 1 << 20);
    r.read("max_request_body_bytes", s.maxRequestBodyBytes, 0, kGiB);
    r.read("max_ws_message_bytes", s.maxWsMessageBytes, 1024, kGiB);
    r.read("max_connections_per_peer", s.maxConnectionsPerPeer, 1, 100000);
    r.read("allowed_origins", s.allowedOrigins);
    r.read("allowed_hosts", s.allowedHosts);
    return l;
}

} // namespace vigil
