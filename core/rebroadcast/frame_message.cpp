#include "rebroadcast/frame_message.h"

#include "common/detection_json.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QtEndian>
#include <cmath>

namespace vigil {

QJsonObject frameMetadata(const ProcessedFrame& frame, qint64 sentWallMs)
{
    // receivedNs/processedNs are steady-clock: translate to wall time via the delivery stamp.
    const qint64 receivedWallMs = frame.wallMs - (frame.processedNs - frame.receivedNs) / 1000000;
    // The size of this message's JPEG; boxes stay in source pixels (source_width/height).
    const QSize size = frame.size.isValid() ? frame.size : frame.sourceSize;
    return QJsonObject{
        {"type", "frame"},
        {"camera", frame.cameraId},
        {"seq", double(frame.seq)},
        {"capture_ts", frame.captureUs >= 0 ? QJsonValue(double(frame.captureUs) / 1000.0) : QJsonValue()},
        {"received_ts", double(receivedWallMs)},
        {"processed_ts", double(frame.wallMs)},
        {"sent_ts", double(sentWallMs)},
        {"width", size.width()},
        {"height", size.height()},
        {"source_width", frame.sourceSize.width()},
        {"source_height", frame.sourceSize.height()},
        {"detections", detectionsJson(frame.detections)},
        // false: not run through the detector (motion gating); no detections then means nothing.
        {"inferred", frame.inferred},
        {"motion", frame.motion},
    };
}

QByteArray encodeTextFrame(const ProcessedFrame& frame, const QByteArray& base64Jpeg, qint64 sentWallMs)
{
    // Splice the (large) base64 payload in by hand: QJsonDocument would copy and scan it again.
    QByteArray meta = QJsonDocument(frameMetadata(frame, sentWallMs)).toJson(QJsonDocument::Compact);
    meta.chop(1); // the closing '}'
    QByteArray out;
    out.reserve(meta.size() + base64Jpeg.size() + 16);
    out.append(meta).append(",\"data\":\"").append(base64Jpeg).append("\"}");
    return out;
}

QByteArray encodeBinaryFrame(const ProcessedFrame& frame, qint64 sentWallMs)
{
    const QByteArray meta = QJsonDocument(frameMetadata(frame, sentWallMs)).toJson(QJsonDocument::Compact);
    QByteArray out(vgl1::kHeaderSize, Qt::Uninitialized);
    out.reserve(vgl1::kHeaderSize + meta.size() + frame.jpeg.size());
    char* h = out.data();
    memcpy(h, vgl1::kMagic, 4);
    qToBigEndian<quint16>(vgl1::kHeaderSize, h + 4);
    qToBigEndian<quint16>(vgl1::kTypeFrame, h + 6);
    qToBigEndian<quint32>(quint32(meta.size()), h + 8);
    out.append(meta).append(frame.jpeg);
    return out;
}

bool decodeBinaryFrame(const QByteArray& message, BinaryFrameView* out)
{
    if (message.size() < vgl1::kHeaderSize || memcmp(message.constData(), vgl1::kMagic, 4) != 0)
        return false;
    const char* h = message.constData();
    const qsizetype headerLen = qFromBigEndian<quint16>(h + 4);
    const qsizetype metaLen = qFromBigEndian<quint32>(h + 8);
    if (headerLen < vgl1::kHeaderSize || headerLen + metaLen > message.size())
        return false;
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(message.mid(headerLen, metaLen), &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject())
        return false;
    out->metadata = doc.object();
    out->jpeg = message.mid(headerLen + metaLen);
    return true;
}

QByteArray encodeStats(const QString& cameraId, const StatsSnapshot& s, qint64 sentWallMs)
{
    // "processed", "skipped", "total", "fps" are the stable contract; the rest are additions.
    const QJsonObject obj{
        {"type", "stats"},
        {"processed", double(s.processed)},
        {"skipped", double(s.skippedStride + s.droppedThrottle + s.superseded)},
        {"total", double(s.read)},
        {"fps", std::round(s.outFps * 100.0) / 100.0},
        {"camera", cameraId},
        {"read_fps", std::round(s.readFps * 100.0) / 100.0},
        {"latency_ms_p50", std::round(s.latencyP50Ms * 100.0) / 100.0},
        {"latency_ms_p99", std::round(s.latencyP99Ms * 100.0) / 100.0},
        {"sent_ts", double(sentWallMs)},
    };
    return QJsonDocument(obj).toJson(QJsonDocument::Compact);
}

} // namespace vigil
