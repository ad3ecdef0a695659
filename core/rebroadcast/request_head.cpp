#include "rebroadcast/request_head.h"

namespace vigil {

namespace {

constexpr int kMaxHeaders = 100;

// RFC 9110 token characters (header names).
bool isTokenChar(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return true;
    if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
        return true;
    switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+':
    case '-': case '.': case '^': case '_': case '`': case '|': case '~':
        return true;
    default:
        return false;
    }
}

// Field values: visible ASCII, space, tab and obs-text; no other control characters.
bool isValueChar(unsigned char c) { return c == '\t' || (c >= 0x20 && c != 0x7f); }

bool isKnownMethod(QByteArrayView m)
{
    static constexpr const char* kMethods[] = {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"};
    for (const char* k : kMethods)
        if (m == QByteArrayView(k))
            return true;
    return false;
}

HeadParse invalid(int status, const char* error)
{
    HeadParse r;
    r.state = HeadParse::Invalid;
    r.status = status;
    r.error = error;
    return r;
}

QByteArrayView trimmed(QByteArrayView v)
{
    while (!v.isEmpty() && (v.front() == ' ' || v.front() == '\t'))
        v = v.sliced(1);
    while (!v.isEmpty() && (v.back() == ' ' || v.back() == '\t'))
        v.chop(1);
    return v;
}

HeadParse parseRequestLine(QByteArrayView line, RequestHead* head)
{
    const qsizetype sp1 = line.indexOf(' ');
    const qsizetype sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
    if (sp1 <= 0 || sp2 < 0 || line.indexOf(' ', sp2 + 1) >= 0)
        return invalid(400, "malformed request line");
    const QByteArrayView method = line.first(sp1);
    const QByteArrayView target = line.sliced(sp1 + 1, sp2 - sp1 - 1);
    const QByteArrayView version = line.sliced(sp2 + 1);
    for (char c : method)
        if (c < 'A' || c > 'Z')
            return invalid(400, "malformed method");
    if (!isKnownMethod(method))
        return invalid(501, "method not implemented");
    // Origin form only ("/path?query"): no proxy forms, no '*'.
    if (target.isEmpty() || target.front() != '/')
        return invalid(400, "malformed request target");
    for (char c : target)
        if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f)
            return invalid(400, "malformed request target");
    if (version != QByteArrayView("HTTP/1.1") && version != QByteArrayView("HTTP/1.0")) {
        if (version.startsWith("HTTP/") && version.size() == 8)
            return invalid(505, "HTTP version not supported");
        return invalid(400, "malformed HTTP version");
    }
    head->method = method.toByteArray();
    head->target = target.toByteArray();
    head->version = version.toByteArray();
    return {};
}

} // namespace

QByteArray RequestHead::value(QByteArrayView lowerName) const
{
    for (const auto& h : headers)
        if (h.first == lowerName)
            return h.second;
    return {};
}

int RequestHead::count(QByteArrayView lowerName) const
{
    int n = 0;
    for (const auto& h : headers)
        n += h.first == lowerName;
    return n;
}

QByteArray RequestHead::path() const
{
    const qsizetype q = target.indexOf('?');
    return q < 0 ? target : target.left(q);
}

HeadParse parseRequestHead(QByteArrayView bytes, int maxHeadBytes)
{
    qsizetype pos = 0;
    // Robustness (RFC 9112 2.2): empty lines before the request line are ignored.
    while (pos < bytes.size() && (bytes[pos] == '\r' || bytes[pos] == '\n'))
        ++pos;
    RequestHead head;
    bool haveRequestLine = false;
    for (;;) {
        const qsizetype nl = bytes.indexOf('\n', pos);
        if (nl < 0 || nl >= maxHeadBytes) {
            if (bytes.size() > maxHeadBytes)
                return invalid(431, "request header too large");
            return {};  // Incomplete
        }
        QByteArrayView line = bytes.sliced(pos, nl - pos);
        if (line.endsWith('\r'))
            line.chop(1);
        pos = nl + 1;
        if (line.contains('\r') || line.contains('\0'))
            return invalid(400, "control character in request head");
        if (!haveRequestLine) {
            HeadParse r = parseRequestLine(line, &head);
            if (r.state == HeadParse::Invalid)
                return r;
            haveRequestLine = true;
            continue;
        }
        if (line.isEmpty())
            break;
        if (line.front() == ' ' || line.front() == '\t')
            return invalid(400, "folded header line");
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            return invalid(400, "malformed header line");
        const QByteArrayView name = line.first(colon);
        for (char c : name)
            if (!isTokenChar(static_cast<unsigned char>(c)))
                return invalid(400, "malformed header name");
        const QByteArrayView value = trimmed(line.sliced(colon + 1));
        for (char c : value)
            if (!isValueChar(static_cast<unsigned char>(c)))
                return invalid(400, "control character in header value");
        if (head.headers.size() >= kMaxHeaders)
            return invalid(431, "too many header lines");
        head.headers.append({name.toByteArray().toLower(), value.toByteArray()});
    }
    head.headBytes = pos;
    HeadParse r;
    r.state = HeadParse::Complete;
    r.head = std::move(head);
    return r;
}

} // namespace vigil
