// libFuzzer harness for the JPEG header check and decode (JpegDecoder::readSize / decodeBgr).
// The size limit is small so every input decodes fast; what is checked besides sanitizer reports:
// nothing above the limit is ever decoded, and a decode yields exactly the size it promised.
#include <cstdint>
#include <cstdlib>

#include "processing/jpeg_codec.h"

namespace {
constexpr QSize kLimit{256, 256};

void check(bool ok)
{
    if (!ok)
        std::abort();
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static vigil::JpegDecoder decoder;  // one per thread in the app too: state carries over between inputs
    const QByteArray jpeg = QByteArray::fromRawData(reinterpret_cast<const char*>(data), qsizetype(size));
    QSize source;
    QString error;
    const bool headerOk = decoder.readSize(jpeg, &source, &error, kLimit);
    check(headerOk || !error.isEmpty());
    if (headerOk)
        check(source.width() > 0 && source.height() > 0 && source.width() <= kLimit.width()
              && source.height() <= kLimit.height());

    // Full size and a scaled decode (the first byte picks the size asked for).
    const QSize needed = size > 0 ? QSize(1 + data[0] % 64, 1 + data[0] % 48) : QSize();
    for (const QSize want : {QSize(), needed}) {
        cv::Mat out;
        const bool decoded = decoder.decodeBgr(jpeg, out, want, &error, kLimit);
        if (!headerOk) {
            check(!decoded);
            continue;
        }
        if (decoded) {
            const QSize expected = vigil::JpegDecoder::scaledSizeFor(source, want);
            check(out.cols == expected.width() && out.rows == expected.height() && out.type() == CV_8UC3);
        }
    }
    return 0;
}
