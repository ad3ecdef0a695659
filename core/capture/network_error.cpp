#include "capture/network_error.h"

#include <QNetworkRequest>

#include "common/redact.h"

namespace vigil {

namespace {
int defaultPort(const QUrl& url) { return url.scheme().compare("https", Qt::CaseInsensitive) == 0 ? 443 : 80; }

QString seconds(int ms) { return QString::number(ms / 1000.0, 'g', 3); }
} // namespace

NetworkFailure NetworkFailure::fromReply(QNetworkReply* reply, const QString& tlsProblem)
{
    NetworkFailure f;
    f.error = reply->error();
    f.httpStatus = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    f.httpPhrase = reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString();
    f.tlsProblem = tlsProblem;
    f.qtMessage = reply->errorString();
    return f;
}

QString originOf(const QUrl& url)
{
    return QStringLiteral("%1://%2:%3").arg(url.scheme().toLower(), url.host().toLower()).arg(url.port(defaultPort(url)));
}

bool sameOrigin(const QUrl& a, const QUrl& b) { return originOf(a) == originOf(b); }

QString hostPortOf(const QUrl& url) { return QStringLiteral("%1:%2").arg(url.host()).arg(url.port(defaultPort(url))); }

QString httpStatusReason(const QUrl& url, int status, const QString& phrase)
{
    QString reason = QStringLiteral("HTTP %1 %2").arg(status).arg(phrase).trimmed();
    if (status == 401)
        reason += QStringLiteral(": the camera needs a user name and password (or they were refused)");
    else if (status == 403)
        reason += QStringLiteral(": the camera refuses this user or address");
    else if (status == 404)
        reason += QStringLiteral(": no stream at %1 (check the URL path, e.g. /stream or :81/stream)")
                      .arg(url.path().isEmpty() ? QStringLiteral("/") : url.path());
    else if (status >= 500)
        reason += QStringLiteral(": the camera failed to serve the stream");
    return redactedText(reason);
}

bool isMjpegContentType(const QByteArray& contentType)
{
    const QByteArray lower = contentType.trimmed().toLower();
    return lower.isEmpty() || lower.startsWith("multipart/") || lower.startsWith("image/jpeg")
        || lower.startsWith("application/octet-stream");
}

QString notMjpegReason(const QByteArray& contentType)
{
    // A hostile header can be long: show enough to recognise it.
    const QString shown = QString::fromLatin1(contentType.left(120));
    return redactedText(QStringLiteral("not an MJPEG stream (Content-Type: %1); is this the camera's web page "
                                       "rather than its stream URL?")
                            .arg(shown));
}

QString noAnswerReason(const QUrl& url, int timeoutMs)
{
    return QStringLiteral("no answer from %1 within %2 s").arg(hostPortOf(url), seconds(timeoutMs));
}

QString crossOriginRedirectReason(const QUrl& target)
{
    return QStringLiteral("redirected to %1; credentials not sent").arg(originOf(target));
}

QString networkErrorReason(const QUrl& url, const NetworkFailure& f)
{
    const QString where = hostPortOf(url);
    QString reason;
    switch (f.error) {
    case QNetworkReply::NoError:
        reason = QStringLiteral("the camera ended the stream");
        break;
    case QNetworkReply::HostNotFoundError:
        reason = QStringLiteral("host not found: DNS lookup for \"%1\" failed").arg(url.host());
        break;
    case QNetworkReply::ConnectionRefusedError:
        reason = QStringLiteral("connection refused by %1 (is the camera on and the port right?)").arg(where);
        break;
    case QNetworkReply::RemoteHostClosedError:
        reason = QStringLiteral("%1 closed the connection").arg(where);
        break;
    case QNetworkReply::TimeoutError:
        reason = QStringLiteral("%1 timed out").arg(where);
        break;
    case QNetworkReply::SslHandshakeFailedError:
        if (!f.tlsProblem.isEmpty())
            reason = QStringLiteral("the TLS certificate of %1 is not trusted (%2); if the camera uses its own "
                                    "certificate, allow self-signed certificates for it")
                         .arg(where, f.tlsProblem);
        else
            reason = QStringLiteral("TLS handshake with %1 failed: %2").arg(where, f.qtMessage);
        break;
    case QNetworkReply::AuthenticationRequiredError:
        reason = httpStatusReason(url, 401, f.httpStatus == 401 ? f.httpPhrase : QString());
        break;
    case QNetworkReply::TooManyRedirectsError:
        reason = QStringLiteral("too many redirects from %1").arg(where);
        break;
    case QNetworkReply::InsecureRedirectError:
        reason = QStringLiteral("refused a redirect from HTTPS to plain HTTP");
        break;
    case QNetworkReply::OperationCanceledError:
        reason = QStringLiteral("connection to %1 cancelled").arg(where);
        break;
    default:
        if (f.httpStatus >= 400)
            reason = httpStatusReason(url, f.httpStatus, f.httpPhrase);
        else
            reason = f.qtMessage.isEmpty() ? QStringLiteral("network error %1").arg(int(f.error)) : f.qtMessage;
        break;
    }
    return redactedText(reason);
}

} // namespace vigil
