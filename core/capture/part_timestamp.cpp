#include "capture/part_timestamp.h"

#include <limits>

namespace vigil {

qint64 parseTimestampUs(const QByteArray& raw)
{
    const QByteArray value = raw.trimmed();
    const qsizetype dot = value.indexOf('.');
    const qsizetype secEnd = dot < 0 ? value.size() : dot;
    if (secEnd == 0)
        return -1;
    // Checked before each step, so nothing overflows (signed overflow is undefined behaviour).
    constexpr qint64 kMaxSeconds = (std::numeric_limits<qint64>::max() - 999999) / 1000000;
    qint64 sec = 0;
    for (qsizetype i = 0; i < secEnd; ++i) {
        const char c = value[i];
        if (c < '0' || c > '9')
            return -1;
        sec = sec * 10 + (c - '0');
        if (sec > kMaxSeconds)
            return -1;
    }
    qint64 us = 0;
    if (dot >= 0) {
        const qsizetype digits = value.size() - dot - 1;
        for (qsizetype i = 0; i < digits; ++i) {
            const char c = value[dot + 1 + i];
            if (c < '0' || c > '9')
                return -1;
            if (i < 6)
                us = us * 10 + (c - '0');
        }
        for (qsizetype i = digits; i < 6; ++i)
            us *= 10;
    }
    return sec * 1000000 + us;
}

} // namespace vigil
