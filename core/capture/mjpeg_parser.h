#pragma once
// Incremental parser for multipart/x-mixed-replace MJPEG streams (and bare concatenated JPEGs).
// Fed arbitrary byte slices; emits complete parts through a callback. Bounded memory.
#include <QByteArray>
#include <functional>

#include "common/frame.h"

namespace vigil {

struct MjpegPart {
    QByteArray body;       // the JPEG bytes
    PartHeaders headers;   // headers of this part (empty in bare-JPEG mode)
};

struct MjpegParserStats {
    quint64 parts = 0;           // parts emitted
    quint64 oversizeParts = 0;   // parts dropped because larger than maxPartSize
    quint64 garbageBytes = 0;    // bytes skipped while resynchronising
    quint64 resyncs = 0;         // times the parser had to search for the next boundary/SOI after junk
};

class MjpegParser {
public:
    using PartCallback = std::function<void(MjpegPart&& part)>;
    // Called instead of PartCallback for parts that only need counting (see setWantBody).
    static constexpr qsizetype kDefaultMaxPartSize = 8 * 1024 * 1024;

    MjpegParser();

    // Boundary from a Content-Type header value, e.g. `multipart/x-mixed-replace; boundary="--abc"`.
    // Returns false (and switches to bare-JPEG mode) when the value carries no boundary.
    bool setContentType(const QByteArray& contentType);
    void setBoundary(const QByteArray& boundary); // quoted/bare, with or without leading "--"
    void setBareJpegMode();                       // no boundary: split on JPEG SOI/EOI markers
    bool isBareJpegMode() const;
    QByteArray boundary() const;                  // normalised (no quotes, no leading "--")

    void setMaxPartSize(qsizetype bytes);
    qsizetype maxPartSize() const;

    void setPartCallback(PartCallback cb);

    // Feed the next slice of the stream. Parts completed by it are delivered before return.
    void feed(const char* data, qsizetype size);
    void feed(const QByteArray& data) { feed(data.constData(), data.size()); }

    void reset();  // forget buffered state (e.g. after reconnect); keeps boundary and settings
    const MjpegParserStats& stats() const;

    // Extract the boundary parameter from a Content-Type value; empty when absent.
    static QByteArray boundaryFromContentType(const QByteArray& contentType);

private:
    struct Impl;
    std::shared_ptr<Impl> d;
};

} // namespace vigil
