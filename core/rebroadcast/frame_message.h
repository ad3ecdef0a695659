#pragma once
// Encoders for what rebroadcast clients receive: JSON text frames, VGL1 binary frames and stats
// messages (see docs/rebroadcast.md). Pure functions, no I/O.
#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include "stats/camera_stats.h"
#include "common/frame.h"

namespace vigil {

namespace vgl1 {
inline constexpr char kMagic[4] = {'V', 'G', 'L', '1'};
inline constexpr int kHeaderSize = 12;    // magic(4) + header length(2) + type(2) + metadata length(4)
inline constexpr quint16 kTypeFrame = 1;
} // namespace vgl1

// Metadata shared by both formats: type, camera, seq, timestamps (wall ms), size, detections.
QJsonObject frameMetadata(const ProcessedFrame& frame, qint64 sentWallMs);

// {"type":"frame", ...metadata, "data":"<base64 JPEG>"}; base64Jpeg is frame.jpeg.toBase64(),
// passed in so that it is computed once per frame, not once per client.
QByteArray encodeTextFrame(const ProcessedFrame& frame, const QByteArray& base64Jpeg, qint64 sentWallMs);

// "VGL1" | u16 header length | u16 type | u32 metadata length | metadata JSON | JPEG (big-endian).
QByteArray encodeBinaryFrame(const ProcessedFrame& frame, qint64 sentWallMs);

struct BinaryFrameView {
    QJsonObject metadata;
    QByteArray jpeg;
};
// Parses a VGL1 message; false when malformed. Used by tests, the benchmark and Vigil clients.
bool decodeBinaryFrame(const QByteArray& message, BinaryFrameView* out);

// {"type":"stats","processed":N,"skipped":N,"total":N,"fps":X, "camera":id, ...}
QByteArray encodeStats(const QString& cameraId, const StatsSnapshot& stats, qint64 sentWallMs);

} // namespace vigil
