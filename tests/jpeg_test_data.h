#pragma once
// JPEGs that lie about themselves, for the size-limit tests.
#include <QByteArray>

namespace vigil::test {

// `jpeg` with its frame header (SOF0..SOF2) rewritten to claim width x height. The rest of the
// data is unchanged, so only a decoder that trusts the header would allocate for that size.
inline QByteArray withClaimedSize(QByteArray jpeg, int width, int height)
{
    qsizetype i = 2;
    while (i + 9 < jpeg.size() && uchar(jpeg[i]) == 0xFF) {
        const uchar marker = uchar(jpeg[i + 1]);
        const int length = (uchar(jpeg[i + 2]) << 8) | uchar(jpeg[i + 3]);
        if (marker >= 0xC0 && marker <= 0xC2) {
            jpeg[i + 5] = char(height >> 8);
            jpeg[i + 6] = char(height & 0xFF);
            jpeg[i + 7] = char(width >> 8);
            jpeg[i + 8] = char(width & 0xFF);
            return jpeg;
        }
        i += 2 + length;
    }
    return {};
}

} // namespace vigil::test
