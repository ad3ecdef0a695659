#include "capture/mjpeg_parser.h"

#include <algorithm>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <utility>

namespace vigil {

namespace {

constexpr qsizetype kMaxHeaderBlock = 16 * 1024;   // larger header blocks are treated as garbage
constexpr qsizetype kMaxDelimiterPadding = 128;    // transport padding allowed after a delimiter
constexpr qsizetype kLookaheadChunk = 2048;        // input appended per round to a look-ahead buffer
constexpr qsizetype kMinJpegChunk = 16 * 1024;     // bare JPEG: first slice portion appended per frame
constexpr qsizetype kMaxJpegChunk = 1024 * 1024;

// Bytes that may legitimately sit between parts (line ends, padding, extra dashes of "----foo").
bool isBenign(char c)
{
    return c == '\r' || c == '\n' || c == ' ' || c == '\t' || c == '-';
}

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

QByteArray trimmedBytes(const char* b, const char* e)
{
    while (b < e && isSpace(*b))
        ++b;
    while (e > b && isSpace(e[-1]))
        --e;
    return QByteArray(b, e - b);
}

// Raw boundary parameter value (unquoted, dashes kept); empty when absent.
QByteArray rawBoundaryParam(const QByteArray& ct)
{
    static const QByteArray key("boundary");
    qsizetype from = 0;
    const QByteArray lower = ct.toLower(); // parameter names are case-insensitive
    while ((from = lower.indexOf(key, from)) >= 0) {
        const qsizetype nameStart = from;
        from += key.size();
        // must be a whole parameter name: preceded by start, ';' or whitespace
        if (nameStart > 0) {
            const char p = lower[nameStart - 1];
            if (p != ';' && !isSpace(p))
                continue;
        }
        qsizetype i = from;
        while (i < ct.size() && (ct[i] == ' ' || ct[i] == '\t'))
            ++i;
        if (i >= ct.size() || ct[i] != '=')
            continue;
        ++i;
        while (i < ct.size() && (ct[i] == ' ' || ct[i] == '\t'))
            ++i;
        QByteArray value;
        if (i < ct.size() && ct[i] == '"') {
            for (++i; i < ct.size() && ct[i] != '"'; ++i) {
                if (ct[i] == '\\' && i + 1 < ct.size())
                    ++i;
                value += ct[i];
            }
        } else {
            const qsizetype start = i;
            while (i < ct.size() && ct[i] != ';' && !isSpace(ct[i]))
                ++i;
            value = ct.mid(start, i - start);
            // tolerate a stray single quote pair
            if (value.size() >= 2 && value.startsWith('\'') && value.endsWith('\''))
                value = value.mid(1, value.size() - 2);
        }
        if (!value.isEmpty())
            return value;
    }
    return {};
}

} // namespace

struct MjpegParser::Impl {
    enum class State {
        SeekDelimiter, // looking for "--boundary" (look-ahead)
        Headers,       // part headers up to the empty line (look-ahead)
        Body,          // Content-Length body: copy exactly m_remaining bytes
        SkipBody,      // oversize Content-Length body: discard m_remaining bytes
        ScanBody,      // no Content-Length: body ends at the next delimiter
        SeekSoi,       // bare JPEG: looking for FF D8 FF (look-ahead)
        JpegBody,      // bare JPEG: walking markers / entropy data to EOI
    };
    struct Step {
        qsizetype consumed = 0;
        bool needMore = false; // cannot progress without more input
    };
    enum : qsizetype { kNeedMore = -1, kCorrupt = -2 };

    // settings
    QByteArray boundary;   // normalised
    QByteArray delimiter;  // "--" + boundary
    bool dashPrefixed = false; // declared boundary carried a leading "--" (wire may send "----foo")
    std::optional<std::boyer_moore_horspool_searcher<const char*>> searcher;
    qsizetype maxPartSize = kDefaultMaxPartSize;
    PartCallback callback;
    MjpegParserStats stats;

    // state
    State state = State::SeekSoi;
    quint64 generation = 0;   // bumped by reset()/mode changes, so feed() notices callback re-entry
    bool inGarbage = false;   // skipping junk: skipped bytes count as garbage
    QByteArray buf;           // small look-ahead buffer (bytes not yet consumed)
    QByteArray body;
    PartHeaders headers;
    qsizetype headerBytes = 0;
    qint64 remaining = 0;     // Body/SkipBody
    qsizetype filled = 0;     // Body
    bool dropping = false;    // ScanBody/JpegBody: part exceeded maxPartSize, discard it
    qsizetype jpegPos = 0;    // JpegBody: walk position in body
    bool jpegEntropy = false; // JpegBody: inside entropy-coded data
    qsizetype jpegChunk = kMinJpegChunk; // JpegBody: bytes to take from the next slice

    bool bare() const { return delimiter.isEmpty(); }
    bool lookahead() const
    {
        return state == State::SeekDelimiter || state == State::Headers || state == State::SeekSoi;
    }

    void clearState()
    {
        ++generation;
        state = bare() ? State::SeekSoi : State::SeekDelimiter;
        inGarbage = false;
        buf.clear();
        body.clear();
        headers.clear();
        headerBytes = 0;
        remaining = 0;
        filled = 0;
        dropping = false;
        jpegPos = 0;
        jpegEntropy = false;
    }

    void setBoundary(QByteArray b)
    {
        b = b.trimmed();
        if (b.size() >= 2 && b.startsWith('"') && b.endsWith('"'))
            b = b.mid(1, b.size() - 2);
        dashPrefixed = b.startsWith("--") && b.size() > 2;
        if (dashPrefixed)
            b = b.mid(2);
        searcher.reset();
        boundary = b;
        delimiter = b.isEmpty() ? QByteArray() : QByteArray("--") + b;
        if (!delimiter.isEmpty())
            searcher.emplace(delimiter.constData(), delimiter.constData() + delimiter.size());
        clearState();
    }

    // Bytes skipped while looking for a delimiter/SOI. Line ends and padding are not garbage.
    void skip(const char* d, qsizetype k)
    {
        if (k <= 0)
            return;
        if (!inGarbage) {
            if (std::all_of(d, d + k, isBenign))
                return;
            inGarbage = true;
            ++stats.resyncs;
        }
        stats.garbageBytes += quint64(k);
    }

    void markResync()
    {
        if (!inGarbage) {
            inGarbage = true;
            ++stats.resyncs;
        }
    }

    // Must be the last thing a step does: the callback may re-enter (reset()).
    void emitPart()
    {
        ++stats.parts;
        MjpegPart part{std::exchange(body, QByteArray()), std::exchange(headers, PartHeaders())};
        if (callback)
            callback(std::move(part));
    }

    void feed(const char* p, qsizetype n);
    Step step(const char* d, qsizetype n);
    Step stepSeekDelimiter(const char* d, qsizetype n);
    Step stepHeaders(const char* d, qsizetype n);
    Step stepBody(const char* d, qsizetype n);
    Step stepScanBody(const char* d, qsizetype n);
    Step stepSeekSoi(const char* d, qsizetype n);
    Step stepJpegBody(const char* d, qsizetype n);
    void beginBody();
    qsizetype walkJpeg();
};

// Look-ahead states need contiguous bytes: unconsumed input is kept in `buf` (bounded by each
// state's look-ahead limit) and topped up with small chunks of the next slice; whatever of the
// chunk is not consumed is handed back to the slice, so bulk data is never copied through `buf`.
// Body states work straight on the caller's slice.
void MjpegParser::Impl::feed(const char* p, qsizetype n)
{
    const quint64 gen = generation;
    for (;;) {
        if (!buf.isEmpty()) {
            if (!lookahead()) {
                // a body state with buffered bytes: run them through first, in order
                const QByteArray pending = std::exchange(buf, QByteArray());
                feed(pending.constData(), pending.size());
                if (gen != generation)
                    return;
                continue;
            }
            const qsizetype old = buf.size();
            const qsizetype add = std::min(n, kLookaheadChunk);
            buf.append(p, add);
            p += add;
            n -= add;
            const Step r = step(buf.constData(), buf.size());
            if (gen != generation)
                return;
            if (r.consumed >= old) {
                const qsizetype back = buf.size() - r.consumed; // part of the chunk, still in the slice
                p -= back;
                n += back;
                buf.clear();
            } else {
                buf.remove(0, r.consumed);
            }
            if (n == 0 && (buf.isEmpty() || r.needMore))
                return;
            continue;
        }
        if (n == 0)
            return;
        const Step r = step(p, n);
        if (gen != generation)
            return;
        p += r.consumed;
        n -= r.consumed;
        if (r.needMore) {
            if (n > 0)
                buf.append(p, n);
            return;
        }
    }
}

MjpegParser::Impl::Step MjpegParser::Impl::step(const char* d, qsizetype n)
{
    switch (state) {
    case State::SeekDelimiter: return stepSeekDelimiter(d, n);
    case State::Headers: return stepHeaders(d, n);
    case State::Body: return stepBody(d, n);
    case State::SkipBody: {
        const qsizetype take = qsizetype(std::min<qint64>(n, remaining));
        remaining -= take;
        if (remaining == 0) {
            state = State::SeekDelimiter;
            return {take, false};
        }
        return {take, true};
    }
    case State::ScanBody: return stepScanBody(d, n);
    case State::SeekSoi: return stepSeekSoi(d, n);
    case State::JpegBody: return stepJpegBody(d, n);
    }
    return {n, true};
}

MjpegParser::Impl::Step MjpegParser::Impl::stepSeekDelimiter(const char* d, qsizetype n)
{
    const qsizetype dl = delimiter.size();
    const char* end = d + n;
    const char* hit = std::search(d, end, *searcher);
    if (hit == end) {
        // keep a possible delimiter prefix at the end
        const qsizetype keep = std::min(n, dl - 1);
        skip(d, n - keep);
        return {n - keep, true};
    }
    const qsizetype pos = hit - d;
    // rest of the delimiter line: "--" (close delimiter) or transport padding, then LF
    const char* line = hit + dl;
    const qsizetype avail = end - line;
    const char* nl = static_cast<const char*>(
        std::memchr(line, '\n', size_t(std::min(avail, kMaxDelimiterPadding))));
    if (!nl) {
        skip(d, pos);
        if (avail < kMaxDelimiterPadding)
            return {pos, true};
        skip(hit, 1); // not a delimiter line
        return {pos + 1, false};
    }
    const char* lineEnd = nl;
    if (lineEnd > line && lineEnd[-1] == '\r')
        --lineEnd;
    if (lineEnd - line >= 2 && line[0] == '-' && line[1] == '-') {
        // close delimiter: some servers keep streaming after it, so keep seeking
        skip(d, pos);
        return {nl + 1 - d, false};
    }
    if (!std::all_of(line, lineEnd, isSpace)) {
        // e.g. "--boundaryXYZ": a longer token that merely starts like ours
        skip(d, pos + 1);
        return {pos + 1, false};
    }
    skip(d, pos);
    inGarbage = false;
    state = State::Headers;
    headers.clear();
    headerBytes = 0;
    return {nl + 1 - d, false};
}

MjpegParser::Impl::Step MjpegParser::Impl::stepHeaders(const char* d, qsizetype n)
{
    const qsizetype dl = delimiter.size();
    qsizetype pos = 0;
    for (;;) {
        const qsizetype limit = kMaxHeaderBlock - headerBytes;
        const char* b = d + pos;
        const char* nl = static_cast<const char*>(std::memchr(b, '\n', size_t(std::min(n - pos, limit))));
        if (!nl) {
            if (n - pos < limit)
                return {pos, true};
            // header block too large: junk; look for the next delimiter from here
            markResync();
            stats.garbageBytes += quint64(headerBytes);
            headers.clear();
            state = State::SeekDelimiter;
            return {pos, false};
        }
        const char* e = nl;
        if (e > b && e[-1] == '\r')
            --e;
        if (e == b) { // empty line: end of headers
            pos = nl + 1 - d;
            beginBody();
            return {pos, false};
        }
        if (e - b >= dl && std::memcmp(b, delimiter.constData(), size_t(dl)) == 0) {
            // a delimiter where a header was expected: the part was cut short; restart from it
            markResync();
            stats.garbageBytes += quint64(headerBytes);
            headers.clear();
            state = State::SeekDelimiter;
            return {pos, false};
        }
        headerBytes += nl + 1 - b;
        pos = nl + 1 - d;
        if ((*b == ' ' || *b == '\t') && !headers.isEmpty()) {
            // obsolete line folding: continuation of the previous value
            headers.last().second += ' ' + trimmedBytes(b, e);
            continue;
        }
        const char* colon = static_cast<const char*>(std::memchr(b, ':', size_t(e - b)));
        if (!colon)
            continue; // not a header; ignore
        headers.append({trimmedBytes(b, colon), trimmedBytes(colon + 1, e)});
    }
}

void MjpegParser::Impl::beginBody()
{
    qint64 length = -1;
    for (const auto& h : std::as_const(headers)) {
        if (h.first.compare("content-length", Qt::CaseInsensitive) == 0) {
            bool ok = false;
            const qint64 v = h.second.toLongLong(&ok);
            if (ok && v >= 0) {
                length = v;
                break;
            }
        }
    }
    dropping = false;
    if (length < 0) {
        body.clear();
        state = State::ScanBody;
        return;
    }
    if (length > maxPartSize) {
        // skip without buffering
        ++stats.oversizeParts;
        headers.clear();
        remaining = length;
        state = State::SkipBody;
        return;
    }
    body = QByteArray(qsizetype(length), Qt::Uninitialized);
    filled = 0;
    remaining = length;
    state = State::Body;
    if (length == 0) {
        state = State::SeekDelimiter;
        emitPart();
    }
}

MjpegParser::Impl::Step MjpegParser::Impl::stepBody(const char* d, qsizetype n)
{
    const qsizetype take = qsizetype(std::min<qint64>(n, remaining));
    std::memcpy(body.data() + filled, d, size_t(take));
    filled += take;
    remaining -= take;
    if (remaining > 0)
        return {take, true};
    state = State::SeekDelimiter;
    emitPart();
    return {take, false};
}

MjpegParser::Impl::Step MjpegParser::Impl::stepScanBody(const char* d, qsizetype n)
{
    const qsizetype dl = delimiter.size();
    // Everything in `body` but its last dl-1 bytes has been searched already. A delimiter may
    // start in that tail and end in this slice: check the seam first.
    qsizetype hitPos = -1; // offset in d; negative = starts -hitPos bytes before d
    bool found = false;
    const qsizetype tail = std::min(body.size(), dl - 1);
    if (tail > 0) {
        QByteArray seam = body.right(tail);
        seam.append(d, std::min(n, dl - 1));
        const char* s = std::search(seam.constBegin(), seam.constEnd(), *searcher);
        if (s != seam.constEnd() && s - seam.constBegin() < tail) {
            hitPos = (s - seam.constBegin()) - tail;
            found = true;
        }
    }
    if (!found) {
        const char* s = std::search(d, d + n, *searcher);
        if (s != d + n) {
            hitPos = s - d;
            found = true;
        }
    }
    const qsizetype take = found ? std::max<qsizetype>(hitPos, 0) : n;
    // Size = bytes before the delimiter. Without a hit yet, the last dl-1 bytes may still turn out
    // to be the start of one, so they don't count (the result must not depend on slicing).
    const qsizetype sizeSoFar = found ? body.size() + hitPos : body.size() + n - (dl - 1);
    if (!dropping && sizeSoFar > maxPartSize) {
        dropping = true;
        ++stats.oversizeParts;
    }
    if (dropping) {
        // keep only what the seam check needs
        if (take >= dl - 1) {
            body = QByteArray(d + take - (dl - 1), dl - 1);
        } else {
            body = body.right(std::min(body.size(), dl - 1 - take));
            body.append(d, take);
        }
    } else {
        body.append(d, take);
    }
    if (!found)
        return {n, true};
    if (hitPos < 0) {
        // the delimiter began in the buffered tail: hand those bytes back to the look-ahead
        buf = body.right(-hitPos);
        body.chop(-hitPos);
    }
    state = State::SeekDelimiter;
    if (dropping) {
        dropping = false;
        body.clear();
        headers.clear();
        return {take, false};
    }
    if (dashPrefixed && body.endsWith("--"))
        body.chop(2); // "----foo" on the wire for a declared "--foo"
    if (body.endsWith('\n'))
        body.chop(1);
    if (body.endsWith('\r'))
        body.chop(1);
    emitPart();
    return {take, false};
}

MjpegParser::Impl::Step MjpegParser::Impl::stepSeekSoi(const char* d, qsizetype n)
{
    const uchar* u = reinterpret_cast<const uchar*>(d);
    qsizetype i = 0;
    while (i < n) {
        const void* ff = std::memchr(u + i, 0xFF, size_t(n - i));
        if (!ff)
            break;
        i = static_cast<const uchar*>(ff) - u;
        if (i + 2 >= n) {
            skip(d, i);
            return {i, true}; // maybe a split SOI
        }
        if (u[i + 1] == 0xD8 && u[i + 2] == 0xFF) {
            skip(d, i);
            inGarbage = false;
            state = State::JpegBody;
            body.clear();
            dropping = false;
            jpegPos = 2;
            jpegEntropy = false;
            jpegChunk = kMinJpegChunk;
            return {i, false};
        }
        ++i;
    }
    skip(d, n);
    return {n, true};
}

MjpegParser::Impl::Step MjpegParser::Impl::stepJpegBody(const char* d, qsizetype n)
{
    // The end is only known after walking, so bytes are appended first and the excess handed
    // back. Growing chunks keep that wasted copy below the frame's own size even for big slices,
    // and keep a huge slice from being buffered whole.
    const qsizetype limit = std::min(n, jpegChunk);
    jpegChunk = std::min(jpegChunk * 2, kMaxJpegChunk);
    const qsizetype old = body.size();
    body.append(d, limit);
    const qsizetype end = walkJpeg();
    if (end >= 0) {
        const qsizetype excess = body.size() - end; // bytes after EOI: not ours, give them back
        state = State::SeekSoi;
        if (!dropping && end > maxPartSize)
            ++stats.oversizeParts;
        else if (!dropping) {
            body.truncate(end);
            emitPart();
            return {limit - excess, false};
        }
        dropping = false;
        body.clear();
        return {limit - excess, false};
    }
    if (end == kCorrupt) {
        // Not a JPEG after all (or a truncated one followed by the next): resume the SOI search
        // one byte after this SOI.
        markResync();
        state = State::SeekSoi;
        if (dropping) {
            // the part's start is gone already; resume at the offending marker (often the SOI of
            // the next frame after a truncated one)
            dropping = false;
            buf = body.mid(jpegPos);
            body.clear();
            return {limit, false};
        }
        ++stats.garbageBytes;
        qsizetype consumed = 0; // d itself is fed again after buf
        if (old >= 1)
            buf = body.mid(1, old - 1);
        else
            consumed = 1;
        body.clear();
        return {consumed, false};
    }
    if (!dropping && body.size() > maxPartSize) {
        dropping = true;
        ++stats.oversizeParts;
    }
    if (dropping) {
        // keep walking to find the end, but only hold the unparsed tail
        const qsizetype drop = std::min(jpegPos, body.size());
        body.remove(0, drop);
        jpegPos -= drop;
    }
    return {limit, limit == n};
}

// Walks `body` from jpegPos: marker segments by their lengths, entropy-coded data up to a marker.
// Returns the offset just past EOI, kNeedMore, or kCorrupt (jpegPos then points at the bad byte).
qsizetype MjpegParser::Impl::walkJpeg()
{
    const uchar* b = reinterpret_cast<const uchar*>(body.constData());
    const qsizetype size = body.size();
    qsizetype pos = jpegPos;
    for (;;) {
        if (jpegEntropy) {
            for (;;) {
                if (pos >= size) {
                    jpegPos = pos;
                    return kNeedMore;
                }
                const void* ff = std::memchr(b + pos, 0xFF, size_t(size - pos));
                if (!ff) {
                    jpegPos = size;
                    return kNeedMore;
                }
                pos = static_cast<const uchar*>(ff) - b;
                if (pos + 1 >= size) {
                    jpegPos = pos;
                    return kNeedMore;
                }
                const uchar m = b[pos + 1];
                if (m == 0x00 || (m >= 0xD0 && m <= 0xD7)) { // stuffing, RSTn
                    pos += 2;
                    continue;
                }
                if (m == 0xFF) { // fill byte
                    ++pos;
                    continue;
                }
                if (m == 0xD9)
                    return pos + 2;
                jpegEntropy = false; // another segment (progressive: DHT, SOS, ...)
                break;
            }
        }
        if (pos + 2 > size) {
            jpegPos = pos;
            return kNeedMore;
        }
        if (b[pos] != 0xFF) {
            jpegPos = pos;
            return kCorrupt;
        }
        const uchar m = b[pos + 1];
        if (m == 0xFF) {
            ++pos;
            continue;
        }
        if (m == 0xD9)
            return pos + 2;
        if (m == 0xD8 || m == 0x00) {
            jpegPos = pos;
            return kCorrupt;
        }
        if (m == 0x01 || (m >= 0xD0 && m <= 0xD7)) { // standalone markers
            pos += 2;
            continue;
        }
        if (pos + 4 > size) {
            jpegPos = pos;
            return kNeedMore;
        }
        const qsizetype len = (qsizetype(b[pos + 2]) << 8) | b[pos + 3];
        if (len < 2) {
            jpegPos = pos;
            return kCorrupt;
        }
        pos += 2 + len; // may lie beyond the data received so far
        if (m == 0xDA)
            jpegEntropy = true;
    }
}

// ---------------------------------------------------------------------------

MjpegParser::MjpegParser() : d(std::make_shared<Impl>()) {}

bool MjpegParser::setContentType(const QByteArray& contentType)
{
    const QByteArray raw = rawBoundaryParam(contentType);
    d->setBoundary(raw);
    return !d->bare();
}

void MjpegParser::setBoundary(const QByteArray& boundary) { d->setBoundary(boundary); }

void MjpegParser::setBareJpegMode() { d->setBoundary({}); }

bool MjpegParser::isBareJpegMode() const { return d->bare(); }

QByteArray MjpegParser::boundary() const { return d->boundary; }

void MjpegParser::setMaxPartSize(qsizetype bytes) { d->maxPartSize = std::max<qsizetype>(bytes, 1); }

qsizetype MjpegParser::maxPartSize() const { return d->maxPartSize; }

void MjpegParser::setPartCallback(PartCallback cb) { d->callback = std::move(cb); }

void MjpegParser::feed(const char* data, qsizetype size)
{
    if (!data || size <= 0)
        return;
    const std::shared_ptr<Impl> keep = d; // stays valid even if the callback destroys this parser
    keep->feed(data, size);
}

void MjpegParser::reset() { d->clearState(); }

const MjpegParserStats& MjpegParser::stats() const { return d->stats; }

QByteArray MjpegParser::boundaryFromContentType(const QByteArray& contentType)
{
    QByteArray b = rawBoundaryParam(contentType).trimmed();
    if (b.startsWith("--") && b.size() > 2)
        b = b.mid(2);
    return b;
}

} // namespace vigil
