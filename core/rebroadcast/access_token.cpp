#include "rebroadcast/access_token.h"

#include <QUrlQuery>

namespace vigil {

static bool constantTimeEquals(const QByteArray& a, const QByteArray& b)
{
    unsigned char diff = a.size() == b.size() ? 0 : 1;
    const qsizetype n = qMin(a.size(), b.size());
    for (qsizetype i = 0; i < n; ++i)
        diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

bool tokenAccepted(const QString& expected, const QUrl& url, const QByteArray& authorizationHeader)
{
    if (expected.isEmpty())
        return true;
    const QByteArray want = expected.toUtf8();
    const QUrlQuery query(url);
    if (query.hasQueryItem("token")
        && constantTimeEquals(query.queryItemValue("token", QUrl::FullyDecoded).toUtf8(), want))
        return true;
    const QByteArray bearer = "Bearer ";
    if (authorizationHeader.startsWith(bearer)
        && constantTimeEquals(authorizationHeader.mid(bearer.size()).trimmed(), want))
        return true;
    return false;
}

} // namespace vigil
