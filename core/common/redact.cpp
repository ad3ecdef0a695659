#include "common/redact.h"

#include <QRegularExpression>
#include <QUrlQuery>

namespace vigil {

bool isSecretName(QStringView name)
{
    static const char* const kParts[] = {"token", "key", "pass", "pwd", "secret",
                                         "auth", "sig", "session", "user", "usr"};
    for (const char* part : kParts)
        if (name.contains(QLatin1String(part), Qt::CaseInsensitive))
            return true;
    return false;
}

QUrl redactedUrl(const QUrl& url)
{
    QUrl out = url;
    const QString mask = QString::fromLatin1(kRedactedMask);
    if (!url.userName().isEmpty())
        out.setUserName(mask);
    if (!url.password().isEmpty())
        out.setPassword(mask);
    if (url.hasQuery()) {
        QUrlQuery query(url);
        auto items = query.queryItems(QUrl::FullyEncoded);
        bool masked = false;
        for (auto& item : items) {
            if (isSecretName(item.first)) {
                item.second = mask;
                masked = true;
            }
        }
        if (masked) {
            QUrlQuery clean;
            clean.setQueryItems(items);
            out.setQuery(clean);
        }
    }
    return out;
}

QString redactedUrlString(const QUrl& url)
{
    return redactedUrl(url).toString();
}

QString redactedText(const QString& text)
{
    // A URL runs to the next space or quote; user info may hold anything but those and '@'.
    static const QRegularExpression urlRe(QStringLiteral(R"([A-Za-z][A-Za-z0-9+.\-]*://[^\s"'<>]+)"));
    static const QRegularExpression pairRe(QStringLiteral(R"((^|[?&;\s])([A-Za-z0-9_.\-]+)=([^&;\s"'<>]*))"));
    QString out;
    out.reserve(text.size());
    qsizetype last = 0;
    for (auto it = urlRe.globalMatch(text); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        out += text.mid(last, m.capturedStart() - last);
        const QUrl url(m.captured(), QUrl::TolerantMode);
        // An unparsable URL may still hold user info: drop everything between "//" and '@'.
        QString shown = url.isValid() ? redactedUrlString(url) : m.captured();
        if (!url.isValid()) {
            static const QRegularExpression userInfoRe(QStringLiteral(R"(//[^/@]*@)"));
            shown.replace(userInfoRe, QStringLiteral("//%1@").arg(QLatin1String(kRedactedMask)));
        }
        out += shown;
        last = m.capturedEnd();
    }
    out += text.mid(last);
    // Secret pairs outside URLs (or in a URL the parser kept verbatim).
    QString result;
    result.reserve(out.size());
    last = 0;
    for (auto it = pairRe.globalMatch(out); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        if (!isSecretName(m.capturedView(2)) || m.capturedView(3) == QLatin1String(kRedactedMask))
            continue;
        result += out.mid(last, m.capturedStart(3) - last);
        result += QLatin1String(kRedactedMask);
        last = m.capturedEnd(3);
    }
    result += out.mid(last);
    return result;
}

} // namespace vigil
