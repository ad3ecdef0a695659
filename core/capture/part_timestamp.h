#pragma once
// The capture time a camera puts in a part header (ESP32-CAM: "X-Timestamp: <s>.<us>").
#include <QByteArray>

namespace vigil {

// Microseconds from "<seconds>[.<fraction>]" (fraction digits beyond 6 are ignored); -1 when the
// value is empty, malformed, negative or too large for 64-bit microseconds.
qint64 parseTimestampUs(const QByteArray& value);

} // namespace vigil
