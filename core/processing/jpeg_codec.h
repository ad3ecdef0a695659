#pragma once
// JPEG decode/encode through libjpeg-turbo (TurboJPEG API). One instance per thread.
#include <QByteArray>
#include <QSize>
#include <QString>
#include <opencv2/core.hpp>

namespace vigil {

class JpegDecoder {
public:
    JpegDecoder();
    ~JpegDecoder();
    JpegDecoder(const JpegDecoder&) = delete;
    JpegDecoder& operator=(const JpegDecoder&) = delete;

    // Larger than this in either dimension is refused unless a caller passes its own limit
    // (CaptureLimits::maxJpegSize; the same default).
    static constexpr QSize kDefaultMaxSize{8192, 8192};

    // Reads the header only (no allocation that depends on the image size). False for data that
    // is not a JPEG, and for a JPEG whose header claims more than `maxSize` in either dimension
    // (*size is still set then, *error says "JPEG claims WxH, above the MxN limit").
    bool readSize(const QByteArray& jpeg, QSize* size, QString* error = nullptr, QSize maxSize = kDefaultMaxSize);

    // Picks the smallest libjpeg-turbo scaling factor (1/8 .. 1) whose output still covers `needed`
    // in both dimensions (an invalid/empty `needed` means full size). Returns the scaled size.
    static QSize scaledSizeFor(QSize source, QSize needed);

    // Decodes to 8-bit BGR (CV_8UC3), DCT-scaled so the result covers `needed` (see above).
    // Corrupt or truncated data returns false with a reason; `out` is then unspecified. The header
    // is checked against `maxSize` (see readSize) before anything is allocated.
    bool decodeBgr(const QByteArray& jpeg, cv::Mat& out, QSize needed = {}, QString* error = nullptr,
                   QSize maxSize = kDefaultMaxSize);
    // The same, luma only (CV_8UC1): no chroma decoding, no colour conversion. For motion analysis.
    bool decodeGray(const QByteArray& jpeg, cv::Mat& out, QSize needed = {}, QString* error = nullptr,
                    QSize maxSize = kDefaultMaxSize);

private:
    bool decode(const QByteArray& jpeg, cv::Mat& out, QSize needed, QString* error, QSize maxSize,
                int pixelFormat);
    void* m_handle = nullptr;
};

class JpegEncoder {
public:
    JpegEncoder();
    ~JpegEncoder();
    JpegEncoder(const JpegEncoder&) = delete;
    JpegEncoder& operator=(const JpegEncoder&) = delete;

    // Encodes an 8-bit BGR (CV_8UC3) image; quality 1..100. Empty on failure.
    QByteArray encodeBgr(const cv::Mat& bgr, int quality = 80, QString* error = nullptr);

private:
    void* m_handle = nullptr;
};

} // namespace vigil
