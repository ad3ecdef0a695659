#include "processing/jpeg_codec.h"

#include <turbojpeg.h>

#include <algorithm>
#include <cstring>

namespace vigil {

namespace {

// Refuse headers that would need absurd buffers (corrupt or hostile data).
constexpr qint64 kMaxOutputBytes = qint64(1) << 30;

void setError(QString* error, const QString& text)
{
    if (error)
        *error = text;
}

QString tjError(void* handle)
{
    return QString::fromLocal8Bit(tjGetErrorStr2(handle));
}

// libjpeg-turbo 2.1's tjDecompressHeader3() leaves the decompressor mid-header after an error,
// so the next call on the same handle fails too: start over with a fresh handle.
void renewDecompressor(void*& handle)
{
    if (handle)
        tjDestroy(handle);
    handle = tjInitDecompress();
}

struct ScalingFactors {
    const tjscalingfactor* list = nullptr;
    int count = 0;
    ScalingFactors() { list = tjGetScalingFactors(&count); }
};

const ScalingFactors& scalingFactors()
{
    static const ScalingFactors factors;
    return factors;
}

// Warnings libjpeg-turbo raises for data it could still decode completely. Everything else
// (notably "Premature end of JPEG file" for truncated data and "Corrupt JPEG data: premature end
// of data segment") means part of the image is grey filler, so the frame is reported as corrupt.
bool isHarmlessWarning(const char* text)
{
    return text && std::strstr(text, "extraneous bytes before marker") != nullptr;
}

} // namespace

JpegDecoder::JpegDecoder() : m_handle(tjInitDecompress()) {}

JpegDecoder::~JpegDecoder()
{
    if (m_handle)
        tjDestroy(m_handle);
}

bool JpegDecoder::readSize(const QByteArray& jpeg, QSize* size, QString* error, QSize maxSize)
{
    if (!m_handle) {
        setError(error, QStringLiteral("TurboJPEG decompressor unavailable"));
        return false;
    }
    if (jpeg.isEmpty()) {
        setError(error, QStringLiteral("empty JPEG data"));
        return false;
    }
    int w = 0, h = 0, subsamp = 0, colorspace = 0;
    if (tjDecompressHeader3(m_handle, reinterpret_cast<const unsigned char*>(jpeg.constData()),
                            static_cast<unsigned long>(jpeg.size()), &w, &h, &subsamp, &colorspace)
        != 0) {
        setError(error, QStringLiteral("not a JPEG: %1").arg(tjError(m_handle)));
        renewDecompressor(m_handle);
        return false;
    }
    if (w <= 0 || h <= 0) {
        setError(error, QStringLiteral("JPEG header has no size"));
        return false;
    }
    if (size)
        *size = QSize(w, h);
    if (w > maxSize.width() || h > maxSize.height()) {
        setError(error, QStringLiteral("JPEG claims %1x%2, above the %3x%4 limit")
                            .arg(w).arg(h).arg(maxSize.width()).arg(maxSize.height()));
        return false;
    }
    return true;
}

QSize JpegDecoder::scaledSizeFor(QSize source, QSize needed)
{
    if (source.isEmpty() || needed.isEmpty())
        return source;
    const ScalingFactors& sf = scalingFactors();
    QSize best = source;
    qint64 bestArea = qint64(source.width()) * source.height();
    for (int i = 0; i < sf.count; ++i) {
        const tjscalingfactor f = sf.list[i];
        if (f.num > f.denom) // never upscale
            continue;
        const QSize s(TJSCALED(source.width(), f), TJSCALED(source.height(), f));
        if (s.width() < needed.width() || s.height() < needed.height())
            continue;
        const qint64 area = qint64(s.width()) * s.height();
        if (area < bestArea) {
            best = s;
            bestArea = area;
        }
    }
    return best;
}

bool JpegDecoder::decodeBgr(const QByteArray& jpeg, cv::Mat& out, QSize needed, QString* error, QSize maxSize)
{
    return decode(jpeg, out, needed, error, maxSize, TJPF_BGR);
}

bool JpegDecoder::decodeGray(const QByteArray& jpeg, cv::Mat& out, QSize needed, QString* error, QSize maxSize)
{
    return decode(jpeg, out, needed, error, maxSize, TJPF_GRAY);
}

bool JpegDecoder::decode(const QByteArray& jpeg, cv::Mat& out, QSize needed, QString* error, QSize maxSize,
                         int pixelFormat)
{
    QSize source;
    if (!readSize(jpeg, &source, error, maxSize))
        return false;
    const QSize scaled = scaledSizeFor(source, needed);
    const int channels = tjPixelSize[pixelFormat];
    if (qint64(scaled.width()) * scaled.height() * channels > kMaxOutputBytes) {
        setError(error, QStringLiteral("JPEG too large: %1x%2").arg(source.width()).arg(source.height()));
        return false;
    }
    // create() keeps the existing buffer when size and type already match
    out.create(scaled.height(), scaled.width(), channels == 1 ? CV_8UC1 : CV_8UC3);
    // TJFLAG_LIMITSCANS: refuse progressive files with absurd scan counts (CPU exhaustion).
    // A scaled decode is already an approximation: the fast IDCT and chroma upsampling cost
    // nothing visible there and save a good part of the remaining time. TJPF_GRAY makes libjpeg
    // skip the chroma components' IDCT, upsampling and colour conversion altogether.
    int flags = TJFLAG_LIMITSCANS;
    if (scaled != source)
        flags |= TJFLAG_FASTDCT | TJFLAG_FASTUPSAMPLE;
    const int rc = tjDecompress2(m_handle, reinterpret_cast<const unsigned char*>(jpeg.constData()),
                                 static_cast<unsigned long>(jpeg.size()), out.data, scaled.width(),
                                 int(out.step[0]), scaled.height(), pixelFormat, flags);
    if (rc != 0) {
        const char* text = tjGetErrorStr2(m_handle);
        const bool warning = tjGetErrorCode(m_handle) == TJERR_WARNING;
        // Policy: a warning usually means truncated/corrupt entropy data with grey filler in the
        // picture; such frames are reported as corrupt so callers count and skip them. Only
        // warnings known to leave the image intact are accepted.
        if (!warning || !isHarmlessWarning(text)) {
            setError(error, QStringLiteral("%1JPEG decode failed: %2")
                                .arg(warning ? QStringLiteral("corrupt data, ") : QString(),
                                     QString::fromLocal8Bit(text)));
            renewDecompressor(m_handle);
            return false;
        }
    }
    return true;
}

JpegEncoder::JpegEncoder() : m_handle(tjInitCompress()) {}

JpegEncoder::~JpegEncoder()
{
    if (m_handle)
        tjDestroy(m_handle);
}

QByteArray JpegEncoder::encodeBgr(const cv::Mat& bgr, int quality, QString* error)
{
    if (!m_handle) {
        setError(error, QStringLiteral("TurboJPEG compressor unavailable"));
        return {};
    }
    if (bgr.empty() || bgr.type() != CV_8UC3 || bgr.dims != 2) {
        setError(error, QStringLiteral("encodeBgr needs a non-empty CV_8UC3 image"));
        return {};
    }
    quality = std::clamp(quality, 1, 100);
    unsigned char* buf = nullptr;
    unsigned long size = 0;
    const int rc = tjCompress2(m_handle, bgr.data, bgr.cols, int(bgr.step[0]), bgr.rows, TJPF_BGR,
                               &buf, &size, TJSAMP_420, quality, 0);
    if (rc != 0) {
        setError(error, QStringLiteral("JPEG encode failed: %1").arg(tjError(m_handle)));
        tjFree(buf);
        return {};
    }
    QByteArray result(reinterpret_cast<const char*>(buf), qsizetype(size));
    tjFree(buf);
    return result;
}

} // namespace vigil
