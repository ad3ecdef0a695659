#include "capture/mjpeg_parser.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "capture/jpeg_scan.h"
#include "capture/multipart_boundary.h"
#include "capture/stream_search.h"

namespace vigil {

namespace {

constexpr qsizetype kMaxDelimiterPadding = 128; // the delimiter line's LF comes within this many bytes
constexpr int kMaxHeaders = 64;                 // further header lines count but are not kept
constexpr qsizetype kMinBodyReserve = 64 * 1024;
// A JPEG cut short inside a header segment hides the next one's SOI in what its length skipped
// (at most 64 KiB): that much is walked again, and each byte at most twice.
constexpr qsizetype kMaxRewalk = 128 * 1024;
const QByteArray kSoi("\xFF\xD8\xFF", 3);       // SOI and the FF of the marker after it

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

QString sizeText(qint64 bytes)
{
    constexpr qint64 kKiB = 1024, kMiB = 1024 * 1024, kGiB = 1024 * kMiB;
    if (bytes >= kGiB)
        return QStringLiteral("%1 GiB").arg(QString::number(double(bytes) / kGiB, 'g', bytes % kGiB ? 4 : 10));
    if (bytes >= kMiB)
        return QStringLiteral("%1 MiB").arg(QString::number(double(bytes) / kMiB, 'g', bytes % kMiB ? 4 : 10));
    if (bytes >= kKiB)
        return QStringLiteral("%1 KiB").arg(QString::number(double(bytes) / kKiB, 'g', bytes % kKiB ? 4 : 10));
    return QStringLiteral("%1 bytes").arg(bytes);
}

// A header value shown in a reason: short and printable, whatever the camera sent.
QString shownValue(const QByteArray& v)
{
    QString s;
    for (qsizetype i = 0; i < v.size() && i < 24; ++i)
        s += (v[i] >= 0x20 && v[i] < 0x7F) ? QChar(v[i]) : QChar('?');
    return v.size() > 24 ? s + QStringLiteral("...") : s;
}

} // namespace

quint64 MjpegParserStats::violations(MjpegViolation kind) const
{
    switch (kind) {
    case MjpegViolation::BoundaryTooLong: return boundaryTooLong;
    case MjpegViolation::HeadersTooLarge: return headersTooLarge;
    case MjpegViolation::BadContentLength: return badContentLength;
    case MjpegViolation::PartTooLarge: return oversizeParts;
    case MjpegViolation::NoPartFound: return noPartFound;
    }
    return 0;
}

struct MjpegParser::Impl {
    enum class State {
        SeekDelimiter, // looking for "--boundary"
        DelimiterLine, // after it: "--" (close), padding, LF
        Headers,       // part headers up to the empty line
        Body,          // Content-Length body: copy exactly `remaining` bytes
        ScanBody,      // no Content-Length (or too large): body ends at the next delimiter
        SeekSoi,       // bare JPEG: looking for FF D8 FF
        JpegBody,      // bare JPEG: walking markers / entropy data to EOI
        Refused,       // cannot be parsed within the limits: discard everything
    };

    // settings
    QByteArray boundary;       // normalised
    QByteArray delimiter;      // "--" + boundary
    bool dashPrefixed = false; // declared boundary carried a leading "--" (wire may send "----foo")
    bool refused = false;
    CaptureLimits limits;
    PartCallback callback;
    MjpegParserStats stats;
    std::optional<MjpegProblem> problem;

    // input handed to feed(), not yet used; `owned` holds it only when feed() came before draining
    const char* in = nullptr;
    qsizetype inLen = 0;
    qsizetype inPos = 0;
    QByteArray owned;
    bool ownedIsCopy = false;  // `owned` is the parser's copy, not the caller's QByteArray
    qint64 inputUsed = 0;      // stream offset of in[inPos]
    QByteArray replay;         // bytes to walk again before the input (bare JPEG recovery)
    qsizetype replayPos = 0;
    qint64 replayStart = 0;    // stream offset of replay[0]
    QByteArray rewalk;         // set by a step: becomes `replay`
    qint64 pos = 0;            // stream offset of the bytes the current step sees
    qint64 rewalkFrontier = 0; // bytes before this offset were walked twice already
    std::optional<MjpegPart> ready;

    // parse state
    State state = State::SeekSoi;
    StreamSearch search;       // the delimiter, or SOI in bare mode
    bool inGarbage = false;    // skipping junk: skipped bytes count as garbage
    quint64 junkSincePart = 0;
    bool junkReported = false;
    QByteArray body;
    bool dropping = false;     // the current part is too large: find its end, keep nothing
    qint64 remaining = 0;      // Body
    PartHeaders headers;
    qsizetype headerBytes = 0; // complete header lines of this part
    QByteArray line;           // the header line being read
    bool lineChecked = false;  // `line` was compared with the delimiter
    qsizetype delimiterLineBytes = 0;
    int closeDashes = 0;       // DelimiterLine: "--" right after the delimiter (close delimiter)
    JpegScan jpeg;

    bool bare() const { return delimiter.isEmpty(); }

    void dropInput()
    {
        in = nullptr;
        inLen = inPos = 0;
        owned = QByteArray();
    }

    // `shared`: the same bytes as a QByteArray to hold on to (no copy), so a temporary may be fed.
    void push(const char* data, qsizetype n, const QByteArray* shared = nullptr)
    {
        if (inPos < inLen) {
            QByteArray rest(in + inPos, inLen - inPos);
            rest.append(data, n);
            owned = std::move(rest);
            ownedIsCopy = true;
            in = owned.constData();
            inLen = owned.size();
        } else {
            owned = shared ? *shared : QByteArray();
            ownedIsCopy = false;
            in = data;
            inLen = n;
        }
        inPos = 0;
    }

    void clearState()
    {
        state = refused ? State::Refused : bare() ? State::SeekSoi : State::SeekDelimiter;
        search.reset();
        replay = QByteArray();
        replayPos = 0;
        rewalk = QByteArray();
        inputUsed = 0;
        rewalkFrontier = 0;
        inGarbage = false;
        junkSincePart = 0;
        junkReported = false;
        body = QByteArray();
        dropping = false;
        remaining = 0;
        headers.clear();
        headerBytes = 0;
        line = QByteArray();
        lineChecked = false;
        ready.reset();
        dropInput();
    }

    void setBoundary(const QByteArray& declared)
    {
        const MultipartBoundary b = normaliseBoundary(declared);
        boundary = b.name;
        dashPrefixed = b.dashPrefixed;
        delimiter = boundary.isEmpty() ? QByteArray() : QByteArray("--") + boundary;
        refused = boundary.size() > limits.maxBoundaryBytes;
        search.setPattern(bare() || refused ? kSoi : delimiter);
        clearState();
        if (refused) {
            ++stats.boundaryTooLong;
            raise(MjpegViolation::BoundaryTooLong,
                  QStringLiteral("not an MJPEG stream: its multipart boundary is %1 bytes long, more than %2 "
                                 "(limits.max_boundary_bytes)")
                      .arg(boundary.size())
                      .arg(limits.maxBoundaryBytes),
                  true);
        }
    }

    void raise(MjpegViolation kind, const QString& reason, bool reconnect = false)
    {
        problem = MjpegProblem{kind, reason, reconnect};
    }

    void markResync()
    {
        if (!inGarbage) {
            inGarbage = true;
            ++stats.resyncs;
        }
    }

    void addGarbage(qint64 k)
    {
        if (k <= 0)
            return;
        stats.garbageBytes += quint64(k);
        junkSincePart += quint64(k);
        if (!junkReported && junkSincePart > quint64(limits.maxPartBytes)) {
            junkReported = true;
            ++stats.noPartFound;
            raise(MjpegViolation::NoPartFound, QStringLiteral("not an MJPEG stream: no part found in %1 of data")
                                                   .arg(sizeText(limits.maxPartBytes)));
        }
    }

    // Bytes passed over while searching. Line ends and padding are not garbage, unless junk came
    // before them.
    void skipped(const char* p, qsizetype k)
    {
        if (k <= 0)
            return;
        if (!inGarbage) {
            const char* bad = std::find_if_not(p, p + k, isBenign);
            if (bad == p + k)
                return;
            markResync();
            k = p + k - bad;
        }
        addGarbage(k);
    }

    // The search consumed d[0..used): the bytes that left its window (a prefix of the pattern,
    // then d) were passed over.
    void searched(qsizetype windowBefore, const char* d, qsizetype used)
    {
        const qsizetype left = windowBefore + used - search.matched();
        const qsizetype fromWindow = std::min(left, windowBefore);
        skipped(search.pattern().constData(), fromWindow);
        skipped(d, left - fromWindow);
    }

    void appendBody(const char* d, qsizetype k)
    {
        const qsizetype need = body.size() + k;
        if (need > body.capacity()) {
            // grow by doubling, but never past what the limit lets a part hold
            const qsizetype ceiling = qsizetype(limits.maxPartBytes) + search.size();
            const qsizetype grown = std::min(std::max(body.capacity() * 2, kMinBodyReserve), ceiling);
            body.reserve(std::max(need, grown));
        }
        body.append(d, k);
    }

    void partTooLarge(qint64 declared)
    {
        ++stats.oversizeParts;
        dropping = true;
        body = QByteArray();
        const QString limit = sizeText(limits.maxPartBytes);
        raise(MjpegViolation::PartTooLarge,
              declared >= 0 ? QStringLiteral("a part of %1 exceeds the %2 limit (limits.max_part_bytes)")
                                  .arg(sizeText(declared), limit)
                            : QStringLiteral("a part exceeds the %1 limit (limits.max_part_bytes)").arg(limit));
    }

    void emitPart()
    {
        ++stats.parts;
        junkSincePart = 0;
        junkReported = false;
        ready.emplace(MjpegPart{std::exchange(body, QByteArray()), std::exchange(headers, PartHeaders())});
    }

    bool next(MjpegPart* part)
    {
        while (!ready) {
            const bool fromReplay = replayPos < replay.size();
            if (fromReplay) {
                pos = replayStart + replayPos;
                replayPos += step(replay.constData() + replayPos, replay.size() - replayPos);
            } else if (inPos < inLen) {
                pos = inputUsed;
                const qsizetype used = step(in + inPos, inLen - inPos);
                inPos += used;
                inputUsed += used;
            } else {
                dropInput();
                return false;
            }
            if (!rewalk.isEmpty()) {
                if (fromReplay)
                    rewalk.append(replay.constData() + replayPos, replay.size() - replayPos);
                replayStart = (fromReplay ? replayStart + replay.size() : inputUsed) - rewalk.size();
                replay = std::exchange(rewalk, QByteArray());
                replayPos = 0;
            } else if (fromReplay && replayPos >= replay.size()) {
                replay = QByteArray();
                replayPos = 0;
            }
        }
        *part = std::move(*ready);
        ready.reset();
        return true;
    }

    // Uses some of d[0..n) (n > 0) and returns how much; each call uses at least one byte,
    // completes a part or changes state.
    qsizetype step(const char* d, qsizetype n)
    {
        switch (state) {
        case State::SeekDelimiter: return stepSeek(d, n);
        case State::DelimiterLine: return stepDelimiterLine(d, n);
        case State::Headers: return stepHeaders(d, n);
        case State::Body: return stepBody(d, n);
        case State::ScanBody: return stepScanBody(d, n);
        case State::SeekSoi:
        case State::JpegBody: return stepBare(d, n);
        case State::Refused: return n;
        }
        return n;
    }

    qsizetype stepSeek(const char* d, qsizetype n);
    qsizetype stepDelimiterLine(const char* d, qsizetype n);
    qsizetype stepHeaders(const char* d, qsizetype n);
    void onHeaderLine();
    void beginBody();
    qsizetype stepBody(const char* d, qsizetype n);
    qsizetype stepScanBody(const char* d, qsizetype n);
    qsizetype stepBare(const char* d, qsizetype n);

    void enterDelimiterLine()
    {
        state = State::DelimiterLine;
        delimiterLineBytes = 0;
        closeDashes = 0;
    }
};

qsizetype MjpegParser::Impl::stepSeek(const char* d, qsizetype n)
{
    const qsizetype windowBefore = search.matched();
    const qsizetype hit = search.scan(d, n);
    const qsizetype used = hit < 0 ? n : hit;
    searched(windowBefore, d, used);
    if (hit < 0)
        return n;
    enterDelimiterLine();
    return used;
}

// Byte by byte, at most kMaxDelimiterPadding bytes per delimiter. The search keeps running over
// these bytes, so when the line turns out not to be a delimiter's, nothing is looked at again.
qsizetype MjpegParser::Impl::stepDelimiterLine(const char* d, qsizetype n)
{
    enum class Verdict { More, Open, Close, Reject };
    for (qsizetype i = 0; i < n; ++i) {
        const char c = d[i];
        const bool again = search.push(c); // a newer delimiter ends here
        ++delimiterLineBytes;
        Verdict v = Verdict::More;
        if (c == '\n')
            v = closeDashes == 2 ? Verdict::Close : closeDashes == 1 ? Verdict::Reject : Verdict::Open;
        else if (closeDashes == 2)
            ; // "--boundary--" and anything up to LF: close delimiter
        else if (delimiterLineBytes == 1 && c == '-')
            closeDashes = 1;
        else if (closeDashes == 1)
            v = c == '-' ? (closeDashes = 2, Verdict::More) : Verdict::Reject;
        else if (c != ' ' && c != '\t' && c != '\r')
            v = Verdict::Reject; // e.g. "--boundaryXYZ": a longer token that merely starts like ours
        if (v == Verdict::More && delimiterLineBytes >= kMaxDelimiterPadding)
            v = Verdict::Reject;

        if (v == Verdict::Open) {
            inGarbage = false;
            state = State::Headers;
            headers.clear();
            headerBytes = 0;
            line.resize(0);
            lineChecked = false;
            return i + 1;
        }
        if (v == Verdict::Close) {
            // some servers keep streaming after a close delimiter: keep seeking
            state = State::SeekDelimiter;
            return i + 1;
        }
        if (v == Verdict::Reject || again) {
            // junk, but for the bytes that may still begin the next delimiter
            markResync();
            addGarbage(search.size() + delimiterLineBytes - search.matched());
            if (!again) {
                state = State::SeekDelimiter;
                return i + 1;
            }
            delimiterLineBytes = 0; // the newer delimiter's line starts after this byte
            closeDashes = 0;
        }
    }
    return n;
}

qsizetype MjpegParser::Impl::stepHeaders(const char* d, qsizetype n)
{
    const qsizetype dl = delimiter.size();
    const qsizetype room = std::max<qsizetype>(limits.maxPartHeaderBytes - headerBytes - line.size(), 0);
    const qsizetype look = std::min(n, room);
    const char* nl = look > 0 ? static_cast<const char*>(std::memchr(d, '\n', size_t(look))) : nullptr;
    const qsizetype take = nl ? nl + 1 - d : look;
    const qsizetype before = line.size();
    line.append(d, take);
    if (!lineChecked && line.size() >= dl) {
        lineChecked = true;
        if (std::memcmp(line.constData(), delimiter.constData(), size_t(dl)) == 0) {
            // a delimiter where a header was expected: the part was cut short; restart from it
            markResync();
            addGarbage(headerBytes);
            headers.clear();
            line.resize(0);
            search.setMatched(dl);
            enterDelimiterLine();
            return dl - before;
        }
    }
    if (!nl) {
        if (n < room)
            return n;
        ++stats.headersTooLarge;
        raise(MjpegViolation::HeadersTooLarge,
              QStringLiteral("not an MJPEG stream: part headers exceed %1 (limits.max_part_header_bytes)")
                  .arg(sizeText(limits.maxPartHeaderBytes)));
        markResync();
        addGarbage(headerBytes + line.size());
        headers.clear();
        line = QByteArray();
        search.reset();
        state = State::SeekDelimiter;
        return take;
    }
    headerBytes += line.size();
    onHeaderLine();
    line.resize(0);
    lineChecked = false;
    return take;
}

void MjpegParser::Impl::onHeaderLine()
{
    const char* b = line.constData();
    const char* e = b + line.size() - 1; // the LF
    if (e > b && e[-1] == '\r')
        --e;
    if (e == b) { // empty line: end of headers
        beginBody();
        return;
    }
    if (*b == ' ' || *b == '\t') {
        // obsolete line folding: continuation of the previous value
        if (!headers.isEmpty() && headers.size() < kMaxHeaders)
            headers.last().second += ' ' + trimmedBytes(b, e);
        return;
    }
    const char* colon = static_cast<const char*>(std::memchr(b, ':', size_t(e - b)));
    if (!colon || headers.size() >= kMaxHeaders)
        return; // not a header, or one too many; ignore
    headers.append({trimmedBytes(b, colon), trimmedBytes(colon + 1, e)});
}

void MjpegParser::Impl::beginBody()
{
    qint64 length = -1;
    const QByteArray* bad = nullptr;
    for (const auto& h : std::as_const(headers)) {
        if (h.first.compare("content-length", Qt::CaseInsensitive) != 0)
            continue;
        bool ok = false;
        const qint64 v = h.second.toLongLong(&ok); // false on overflow
        if (ok && v >= 0) {
            length = v;
            break;
        }
        bad = &h.second;
    }
    line = QByteArray();
    search.reset();
    dropping = false;
    body = QByteArray();
    if (length < 0 && bad) {
        // not a size: the part ends at the next delimiter instead
        ++stats.badContentLength;
        raise(MjpegViolation::BadContentLength,
              QStringLiteral("bad part header: Content-Length \"%1\" is not a size").arg(shownValue(*bad)));
    }
    if (length < 0) {
        state = State::ScanBody;
        return;
    }
    if (length > limits.maxPartBytes) {
        // skipped up to the next delimiter, not by its length: a lying length cannot blind the parser
        partTooLarge(length);
        headers.clear();
        state = State::ScanBody;
        return;
    }
    body = QByteArray(qsizetype(length), Qt::Uninitialized);
    remaining = length;
    state = State::Body;
    if (length == 0) {
        state = State::SeekDelimiter;
        emitPart();
    }
}

qsizetype MjpegParser::Impl::stepBody(const char* d, qsizetype n)
{
    const qsizetype take = qsizetype(std::min<qint64>(n, remaining));
    std::memcpy(body.data() + (body.size() - remaining), d, size_t(take));
    remaining -= take;
    if (remaining == 0) {
        state = State::SeekDelimiter;
        search.reset();
        emitPart();
    }
    return take;
}

qsizetype MjpegParser::Impl::stepScanBody(const char* d, qsizetype n)
{
    const qsizetype dl = search.size();
    const qsizetype hit = search.scan(d, n);
    const qsizetype take = hit < 0 ? n : hit;
    if (!dropping) {
        // bytes that may still turn out to start the delimiter are not counted (slicing-independent)
        const qsizetype window = hit < 0 ? search.matched() : dl;
        if (qint64(body.size()) + take - window > limits.maxPartBytes)
            partTooLarge(-1);
        else
            appendBody(d, take);
    }
    if (hit < 0)
        return n;
    // the part ends at any delimiter; its line is checked next
    if (dropping) {
        dropping = false;
        headers.clear();
    } else {
        body.chop(dl);
        if (dashPrefixed && body.endsWith("--"))
            body.chop(2); // "----foo" on the wire for a declared "--foo"
        if (body.endsWith('\n'))
            body.chop(1);
        if (body.endsWith('\r'))
            body.chop(1);
        emitPart();
    }
    enterDelimiterLine();
    return take;
}

// Bare JPEG: SOI search and marker walk in one loop over the slice. A part is copied once: when
// it ends (from the slice) or when the slice ends (what it has so far into `body`); junk that
// merely looked like a JPEG start is never copied.
qsizetype MjpegParser::Impl::stepBare(const char* d, qsizetype n)
{
    qsizetype i = 0;
    qsizetype begin = 0; // JpegBody: the part is body + d[begin..i)
    while (i < n) {
        if (state == State::SeekSoi) {
            const qsizetype windowBefore = search.matched();
            const qsizetype hit = search.scan(d + i, n - i);
            const qsizetype used = hit < 0 ? n - i : hit;
            searched(windowBefore, d + i, used);
            if (hit < 0)
                return n;
            i += used;
            inGarbage = false;
            search.reset();
            state = State::JpegBody;
            dropping = false;
            body.resize(0);
            if (i >= kSoi.size()) {
                begin = i - kSoi.size();
            } else { // SOI began in an earlier slice
                appendBody(kSoi.constData(), kSoi.size());
                begin = i;
            }
            jpeg.startAtMarker();
            continue;
        }
        if (i == 0) // the part began in an earlier slice
            begin = 0;
        qsizetype used = 0;
        const JpegScan::Result r = jpeg.scan(reinterpret_cast<const uchar*>(d + i), n - i, &used);
        i += used;
        if (!dropping && qint64(body.size()) + (i - begin) > limits.maxPartBytes)
            partTooLarge(-1);
        if (r == JpegScan::Result::NeedMore) {
            if (!dropping)
                appendBody(d + begin, i - begin);
            return n;
        }
        state = State::SeekSoi;
        search.reset();
        if (r == JpegScan::Result::End) {
            if (dropping) {
                dropping = false;
                continue;
            }
            if (body.isEmpty())
                body = QByteArray(d + begin, i - begin);
            else
                appendBody(d + begin, i - begin);
            emitPart();
            return i;
        }
        // Not a JPEG after all (or a truncated one followed by the next): search for SOI from the
        // offending byte; an FF before it may begin that SOI.
        const bool afterFF = jpeg.corruptAfterFF();
        if (afterFF)
            search.setMatched(1);
        if (dropping) {
            dropping = false; // counted as too large already
            body = QByteArray();
            continue;
        }
        markResync();
        const qint64 partSize = body.size() + (i - begin);
        const qint64 end = pos + i; // stream offset of the offending byte
        const qint64 from = std::max<qint64>(1, rewalkFrontier - (end - partSize));
        qsizetype soi = -1;
        if (from + kSoi.size() <= partSize) {
            appendBody(d + begin, i - begin);
            begin = i;
            soi = body.indexOf(kSoi, from);
        }
        if (soi > 0 && partSize - soi <= kMaxRewalk) {
            // the next JPEG began inside this one: walk it again from its SOI
            addGarbage(soi);
            rewalk = body.mid(soi);
            rewalkFrontier = end;
            search.reset();
            body.resize(0);
            return i;
        }
        addGarbage(partSize - (afterFF ? 1 : 0));
        body.resize(0); // kept for the next part: junk full of SOIs allocates nothing
    }
    if (state == State::JpegBody && !dropping)
        appendBody(d + begin, n - begin); // the slice ended right after an SOI
    return n;
}

// ---------------------------------------------------------------------------

MjpegParser::MjpegParser() : d(std::make_shared<Impl>())
{
    d->search.setPattern(kSoi);
}

MjpegParser::~MjpegParser()
{
    if (d)
        d->dropInput(); // a feed() running the callback that destroys us stops there
}

MjpegParser::MjpegParser(MjpegParser&& other) noexcept = default;

MjpegParser& MjpegParser::operator=(MjpegParser&& other) noexcept
{
    if (this != &other) {
        if (d)
            d->dropInput();
        d = std::move(other.d);
    }
    return *this;
}

bool MjpegParser::setContentType(const QByteArray& contentType)
{
    d->setBoundary(rawBoundaryParam(contentType));
    return !d->bare();
}

void MjpegParser::setBoundary(const QByteArray& boundary) { d->setBoundary(boundary); }

void MjpegParser::setBareJpegMode() { d->setBoundary({}); }

bool MjpegParser::isBareJpegMode() const { return d->bare(); }

QByteArray MjpegParser::boundary() const { return d->boundary; }

void MjpegParser::setLimits(const CaptureLimits& limits)
{
    d->limits = limits;
    d->limits.maxPartBytes = std::max<qint64>(limits.maxPartBytes, 1);
    d->limits.maxPartHeaderBytes = std::max(limits.maxPartHeaderBytes, 1);
}

CaptureLimits MjpegParser::limits() const { return d->limits; }

void MjpegParser::setMaxPartSize(qsizetype bytes) { d->limits.maxPartBytes = std::max<qsizetype>(bytes, 1); }

qsizetype MjpegParser::maxPartSize() const { return qsizetype(d->limits.maxPartBytes); }

void MjpegParser::setPartCallback(PartCallback cb) { d->callback = std::move(cb); }

void MjpegParser::feed(const char* data, qsizetype size) { feed(data, size, nullptr); }

void MjpegParser::feed(const QByteArray& data) { feed(data.constData(), data.size(), &data); }

void MjpegParser::feed(const char* data, qsizetype size, const QByteArray* shared)
{
    if (!data || size <= 0)
        return;
    const std::shared_ptr<Impl> keep = d; // stays valid even if the callback destroys this parser
    keep->push(data, size, shared);
    MjpegPart part;
    while (keep->callback && keep->next(&part)) {
        const PartCallback cb = keep->callback; // the callback may replace itself
        cb(std::move(part));
    }
}

bool MjpegParser::next(MjpegPart* part) { return d->next(part); }

void MjpegParser::reset() { d->clearState(); }

const MjpegParserStats& MjpegParser::stats() const { return d->stats; }

std::optional<MjpegProblem> MjpegParser::takeProblem() { return std::exchange(d->problem, std::nullopt); }

bool MjpegParser::needsReconnect() const { return d->refused; }

qsizetype MjpegParser::bufferedBytes() const
{
    qsizetype n = d->body.capacity() + d->line.capacity() + d->replay.capacity() + d->rewalk.capacity();
    if (d->ownedIsCopy)
        n += d->owned.capacity(); // the caller's bytes do not count, a copy does
    n += d->headers.capacity() * qsizetype(sizeof(PartHeaders::value_type));
    for (const auto& h : std::as_const(d->headers))
        n += h.first.capacity() + h.second.capacity();
    if (d->ready)
        n += d->ready->body.capacity();
    return n;
}

QByteArray MjpegParser::boundaryFromContentType(const QByteArray& contentType)
{
    return normaliseBoundary(rawBoundaryParam(contentType)).name;
}

} // namespace vigil
