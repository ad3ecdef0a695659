#include "rebroadcast/request_policy.h"

#include <QHostAddress>
#include <QUrl>

#include "rebroadcast/access_token.h"

namespace vigil {

namespace {

RequestVerdict reject(int status, const char* kind, const QByteArray& reason)
{
    RequestVerdict v;
    v.status = status;
    v.kind = kind;
    v.reason = reason;
    return v;
}

// True when a comma-separated header value lists `token` (case-insensitive), e.g. Connection.
bool listsToken(const QByteArray& value, QByteArrayView token)
{
    for (const QByteArray& part : value.split(','))
        if (part.trimmed().compare(token, Qt::CaseInsensitive) == 0)
            return true;
    return false;
}

// The host name of a Host header value, without port or IPv6 brackets; empty when malformed.
QString hostName(const QByteArray& host)
{
    QByteArray h = host.trimmed();
    if (h.startsWith('[')) {
        const qsizetype end = h.indexOf(']');
        if (end < 0)
            return {};
        const QByteArray rest = h.mid(end + 1);
        if (!rest.isEmpty() && !rest.startsWith(':'))
            return {};
        return QString::fromLatin1(h.mid(1, end - 1));
    }
    const qsizetype colon = h.lastIndexOf(':');
    if (colon >= 0) {
        if (h.indexOf(':') != colon)
            return {};  // a bare IPv6 address is not a valid Host
        h.truncate(colon);
    }
    return QString::fromLatin1(h).toLower();
}

QString normalizedOrigin(QString origin)
{
    origin = origin.trimmed().toLower();
    while (origin.endsWith('/'))
        origin.chop(1);
    return origin;
}

} // namespace

bool routeTakesBody(const QByteArray& method, const QByteArray& path)
{
    Q_UNUSED(method);
    Q_UNUSED(path);
    return false;
}

bool hostAllowed(const QByteArray& host, const RequestPolicy& policy)
{
    if (host.isNull())
        return true;
    const QString name = hostName(host);
    if (name.isEmpty())
        return false;
    if (!QHostAddress(name).isNull())
        return true;
    if (name == QLatin1String("localhost") || name.endsWith(QLatin1String(".localhost")))
        return true;
    for (const QString& n : policy.localNames)
        if (name.compare(n, Qt::CaseInsensitive) == 0)
            return true;
    for (const QString& n : policy.limits.allowedHosts)
        if (name.compare(n.trimmed(), Qt::CaseInsensitive) == 0)
            return true;
    return false;
}

bool originAllowed(const QByteArray& origin, const QByteArray& host, const RequestPolicy& policy)
{
    if (origin.isNull())
        return true;
    const QString o = normalizedOrigin(QString::fromLatin1(origin));
    if (!host.isEmpty()) {
        const QString h = QString::fromLatin1(host.trimmed()).toLower();
        if (o == QLatin1String("http://") + h || o == QLatin1String("https://") + h)
            return true;
    }
    for (const QString& allowed : policy.limits.allowedOrigins)
        if (o == normalizedOrigin(allowed))
            return true;
    return false;
}

RequestVerdict checkRequest(const RequestHead& head, const RequestPolicy& policy)
{
    // Bodies: the length is known from the head; nothing of the body has been read yet.
    const int lengths = head.count("content-length");
    const QByteArray lengthText = head.value("content-length");
    qint64 bodyBytes = 0;
    if (lengths > 0) {
        for (const auto& h : head.headers)
            if (h.first == "content-length" && h.second != lengthText)
                return reject(400, "malformed", "conflicting Content-Length");
        if (lengthText.isEmpty() || lengthText.size() > 18)
            return reject(lengthText.isEmpty() ? 400 : 413, "body", "bad or oversized Content-Length");
        for (char c : lengthText)
            if (c < '0' || c > '9')
                return reject(400, "malformed", "bad Content-Length");
        bodyBytes = lengthText.toLongLong();
    }
    const bool chunked = head.count("transfer-encoding") > 0;
    if (chunked && lengths > 0)
        return reject(400, "malformed", "both Content-Length and Transfer-Encoding");

    const QByteArray host = head.value("host");
    if (head.count("host") > 1 || !hostAllowed(host, policy))
        return reject(403, "host", "host not allowed: add it to limits.allowed_hosts");

    const QByteArray upgrade = head.value("upgrade");
    const bool connectionUpgrade = listsToken(head.value("connection"), "upgrade");
    if (!upgrade.isNull() && (connectionUpgrade || listsToken(upgrade, "websocket"))) {
        if (!listsToken(upgrade, "websocket"))
            return reject(400, "upgrade", "unsupported upgrade");
        if (!connectionUpgrade)
            return reject(400, "upgrade", "Upgrade: websocket needs Connection: Upgrade");
        if (head.method != "GET")
            return reject(400, "upgrade", "WebSocket upgrade must be GET");
        if (bodyBytes > 0 || chunked)
            return reject(413, "body", "no body allowed on a WebSocket upgrade");
        if (head.count("origin") > 1 || !originAllowed(head.value("origin"), host, policy))
            return reject(403, "origin", "origin not allowed: add it to limits.allowed_origins");
        // The token of a WebSocket is checked after the upgrade, to refuse with a close code.
        RequestVerdict v;
        v.webSocket = true;
        return v;
    }

    // Browsers send Origin with every request that is not GET/HEAD: a page of a foreign origin must
    // not delete events (CSRF), token or not. Scripts and tools send no Origin.
    if (head.method != "GET" && head.method != "HEAD"
        && (head.count("origin") > 1 || !originAllowed(head.value("origin"), host, policy)))
        return reject(403, "origin", "origin not allowed: add it to limits.allowed_origins");

    if (!tokenAccepted(policy.token, QUrl::fromEncoded(head.target), head.value("authorization")))
        return reject(401, "token", "valid token required");

    const bool takesBody = routeTakesBody(head.method, head.path());
    if (bodyBytes > policy.limits.maxRequestBodyBytes || ((bodyBytes > 0 || chunked) && !takesBody))
        return reject(413, "body", "request body not accepted");
    if (chunked)
        return reject(411, "body", "Content-Length required");
    return {};
}

} // namespace vigil
