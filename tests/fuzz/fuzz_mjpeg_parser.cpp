// libFuzzer harness for the MJPEG part parser. Input: [mode][seed][stream...]. The stream is parsed
// whole and in slices whose sizes come from the seed; both must give the same parts (bodies and
// headers) and the same counters, and the parser must never hold more than its limits allow.
#include <cstdint>
#include <cstdlib>

#include "capture/mjpeg_parser.h"

namespace {

using vigil::CaptureLimits;
using vigil::MjpegParser;
using vigil::MjpegPart;

void check(bool ok)
{
    if (!ok)
        std::abort();
}

const char* const kContentTypes[] = {
    "multipart/x-mixed-replace;boundary=123456789000000000000987654321", // ESP32
    "multipart/x-mixed-replace;boundary=ffmpeg",
    "multipart/x-mixed-replace; boundary=\"--b\"",
    "image/jpeg",
};

struct Run {
    QList<QByteArray> bodies;
    QList<vigil::PartHeaders> headers;
    vigil::MjpegParserStats stats;
};

Run parse(quint8 mode, const CaptureLimits& limits, const QByteArray& stream, quint32 seed)
{
    MjpegParser p;
    p.setLimits(limits);
    p.setContentType(kContentTypes[mode % 4]);
    // What the parser may hold: a part, a header block and its line, the bare-JPEG re-walk
    // window (128 KiB), allocation slack.
    const qsizetype bound = qsizetype(limits.maxPartBytes) + 3 * limits.maxPartHeaderBytes + 160 * 1024;
    Run r;
    MjpegPart part;
    qsizetype at = 0;
    quint32 x = seed | 1;
    while (at < stream.size()) {
        qsizetype n = stream.size() - at;
        if (seed != 0) { // xorshift slice sizes: 1..64, now and then larger
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            n = std::min<qsizetype>(n, (x & 7) == 0 ? 1 + (x >> 8) % 4096 : 1 + (x >> 8) % 64);
        }
        p.feed(stream.constData() + at, n);
        at += n;
        while (p.next(&part)) {
            check(part.body.size() <= limits.maxPartBytes);
            r.bodies.append(part.body);
            r.headers.append(part.headers);
        }
        check(p.bufferedBytes() <= bound);
    }
    r.stats = p.stats();
    return r;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size < 2)
        return 0;
    const quint8 mode = data[0];
    const quint32 seed = data[1] + 1;
    const QByteArray stream(reinterpret_cast<const char*>(data + 2), qsizetype(size - 2));
    CaptureLimits limits;
    // small limits (bit 2) so that short inputs reach them
    if (mode & 4) {
        limits.maxPartBytes = 2048;
        limits.maxPartHeaderBytes = 256;
        limits.maxBoundaryBytes = 8;
    }
    const Run whole = parse(mode, limits, stream, 0);
    const Run sliced = parse(mode, limits, stream, seed);
    check(whole.bodies == sliced.bodies);
    check(whole.headers == sliced.headers);
    const auto& a = whole.stats;
    const auto& b = sliced.stats;
    check(a.parts == b.parts && a.oversizeParts == b.oversizeParts && a.garbageBytes == b.garbageBytes
          && a.resyncs == b.resyncs && a.headersTooLarge == b.headersTooLarge
          && a.badContentLength == b.badContentLength && a.noPartFound == b.noPartFound
          && a.boundaryTooLong == b.boundaryTooLong);
    check(a.parts == quint64(whole.bodies.size()));
    return 0;
}
