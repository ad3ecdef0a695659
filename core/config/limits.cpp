#include "config/limits.h"

#include <QJsonArray>

namespace vigil {

namespace {

void readNumber(const QJsonObject& o, const char* key, double lo, double hi, QStringList* errors,
                auto&& assign)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined() || v.isNull())
        return;
    if (!v.isDouble()) {
        errors->append(QStringLiteral("limits.%1: expected a number").arg(key));
        return;
    }
    const double d = v.toDouble();
    if (!(d >= lo && d <= hi)) {
        errors->append(QStringLiteral("limits.%1: %2 is out of range (%3..%4)").arg(key).arg(d).arg(lo).arg(hi));
        return;
    }
    assign(d);
}

void readStrings(const QJsonObject& o, const char* key, QStringList* out, QStringList* errors)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined() || v.isNull())
        return;
    QStringList list;
    bool ok = v.isArray();
    for (const QJsonValue& item : v.toArray()) {
        ok = ok && item.isString();
        list << item.toString();
    }
    if (!ok) {
        errors->append(QStringLiteral("limits.%1: expected a list of strings").arg(key));
        return;
    }
    *out = list;
}

} // namespace

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
    QStringList local;
    if (!errors)
        errors = &local;
    Limits l;
    CaptureLimits& c = l.capture;
    ServerLimits& s = l.server;
    constexpr double kGiB = 1024.0 * 1024 * 1024;
    readNumber(o, "max_boundary_bytes", 70, 4096, errors, [&](double d) { c.maxBoundaryBytes = int(d); });
    readNumber(o, "max_part_header_bytes", 256, 1 << 20, errors, [&](double d) { c.maxPartHeaderBytes = int(d); });
    readNumber(o, "max_part_bytes", 64 * 1024, kGiB, errors, [&](double d) { c.maxPartBytes = qint64(d); });
    readNumber(o, "read_buffer_bytes", 16 * 1024, kGiB, errors, [&](double d) { c.readBufferBytes = qint64(d); });
    readNumber(o, "max_jpeg_width", 16, 65500, errors, [&](double d) { c.maxJpegSize.setWidth(int(d)); });
    readNumber(o, "max_jpeg_height", 16, 65500, errors, [&](double d) { c.maxJpegSize.setHeight(int(d)); });
    readNumber(o, "max_request_header_bytes", 1024, 1 << 20, errors, [&](double d) { s.maxRequestHeaderBytes = int(d); });
    readNumber(o, "max_request_body_bytes", 0, kGiB, errors, [&](double d) { s.maxRequestBodyBytes = qint64(d); });
    readNumber(o, "max_ws_message_bytes", 1024, kGiB, errors, [&](double d) { s.maxWsMessageBytes = qint64(d); });
    readNumber(o, "max_connections_per_peer", 1, 100000, errors, [&](double d) { s.maxConnectionsPerPeer = int(d); });
    readStrings(o, "allowed_origins", &s.allowedOrigins, errors);
    readStrings(o, "allowed_hosts", &s.allowedHosts, errors);
    return l;
}

} // namespace vigil
