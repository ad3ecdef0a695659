#pragma once
// Incremental parser for multipart/x-mixed-replace MJPEG streams (and bare concatenated JPEGs).
//
// Pull API: feed(bytes), then `while (parser.next(&part))`. next() returns false once every fed
// byte is used; the bytes given to feed() need to stay valid only until then. Alternatively, with a
// part callback set, feed() delivers the parts itself before it returns.
//
// Linear in its input for every input, and bounded by CaptureLimits whatever the input: each byte
// is looked at a bounded number of times (no rescans, no recursion), and the parser holds at most
// about maxPartBytes + 2 x maxPartHeaderBytes. Input that breaks a limit is counted per kind,
// reported through takeProblem() and skipped up to the next part (or refused, see needsReconnect).
#include <QByteArray>
#include <QString>
#include <functional>
#include <memory>
#include <optional>

#include "common/frame.h"
#include "config/limits.h"

namespace vigil {

struct MjpegPart {
    QByteArray body;       // the JPEG bytes
    PartHeaders headers;   // headers of this part (empty in bare-JPEG mode)
};

// What a stream did that breaks a limit (one counter each in MjpegParserStats).
enum class MjpegViolation {
    BoundaryTooLong,   // Content-Type boundary above maxBoundaryBytes: the stream is refused
    HeadersTooLarge,   // a part's header block above maxPartHeaderBytes
    BadContentLength,  // Content-Length that is not a size (e.g. 99999999999999999999)
    PartTooLarge,      // a part above maxPartBytes (by its Content-Length or as it arrives)
    NoPartFound,       // more than maxPartBytes of junk without a part
};

struct MjpegProblem {
    MjpegViolation kind;
    QString reason;          // for the camera's state, e.g. "not an MJPEG stream: part headers exceed 16 KiB"
    bool reconnect = false;  // resynchronising cannot help: reconnect (or give up)
};

struct MjpegParserStats {
    quint64 parts = 0;            // parts emitted
    quint64 oversizeParts = 0;    // parts dropped because larger than maxPartBytes (PartTooLarge)
    quint64 garbageBytes = 0;     // bytes skipped while resynchronising
    quint64 resyncs = 0;          // times the parser had to search for the next boundary/SOI after junk
    quint64 boundaryTooLong = 0;  // violations, one counter per kind
    quint64 headersTooLarge = 0;
    quint64 badContentLength = 0;
    quint64 noPartFound = 0;
    quint64 violations(MjpegViolation kind) const;
};

class MjpegParser {
public:
    using PartCallback = std::function<void(MjpegPart&& part)>;
    static constexpr qsizetype kDefaultMaxPartSize = 8 * 1024 * 1024;

    MjpegParser();
    ~MjpegParser();
    MjpegParser(MjpegParser&& other) noexcept;
    MjpegParser& operator=(MjpegParser&& other) noexcept;

    // Boundary from a Content-Type header value, e.g. `multipart/x-mixed-replace; boundary="--abc"`.
    // Returns false (and switches to bare-JPEG mode) when the value carries no boundary. A boundary
    // above maxBoundaryBytes is refused: see takeProblem().
    bool setContentType(const QByteArray& contentType);
    void setBoundary(const QByteArray& boundary); // quoted/bare, with or without leading "--"
    void setBareJpegMode();                       // no boundary: split on JPEG SOI/EOI markers
    bool isBareJpegMode() const;
    QByteArray boundary() const;                  // normalised (no quotes, no leading "--")

    // maxBoundaryBytes, maxPartHeaderBytes and maxPartBytes apply (the rest is for the reader).
    void setLimits(const CaptureLimits& limits);
    CaptureLimits limits() const;
    void setMaxPartSize(qsizetype bytes);         // just maxPartBytes
    qsizetype maxPartSize() const;

    // Hands the parser the next slice of the stream. Without a callback, drain it with next().
    // Raw bytes must stay valid until next() returned false; a QByteArray is held (shared, no
    // copy). Feeding again before next() returned false copies what is left (correct, but a copy).
    void feed(const char* data, qsizetype size);
    void feed(const QByteArray& data);
    // The next complete part; false when every fed byte is used (the parser keeps what it needs).
    bool next(MjpegPart* part);

    // Optional: feed() then delivers every part to the callback before returning. The callback may
    // reset() or destroy the parser; feed() then stops.
    void setPartCallback(PartCallback cb);

    void reset();  // forget buffered state and unread input (e.g. after reconnect); keeps settings
    const MjpegParserStats& stats() const;

    // The newest limit violation since the last call (nullopt when none). Violations are also
    // counted in stats(); a problem is raised once per part, not once per byte.
    std::optional<MjpegProblem> takeProblem();
    // The stream cannot be parsed within the limits (e.g. its boundary is too long): every byte
    // is discarded until the parser is configured again.
    bool needsReconnect() const;

    // Bytes the parser holds (allocated), to check that no input makes it hold more.
    qsizetype bufferedBytes() const;

    // Extract the boundary parameter from a Content-Type value; empty when absent.
    static QByteArray boundaryFromContentType(const QByteArray& contentType);

private:
    void feed(const char* data, qsizetype size, const QByteArray* shared);
    struct Impl;
    std::shared_ptr<Impl> d; // shared with a running feed(), which survives the parser's destruction
};

} // namespace vigil
