#pragma once
// The one mapping from what went wrong on a camera's HTTP connection to the reason a person reads
// (camera state, logs, the dialog's connection test). Every reason is redacted: no credentials or
// secret query values, whatever the URL or Qt's own message holds.
#include <QByteArray>
#include <QNetworkReply>
#include <QString>
#include <QUrl>

namespace vigil {

// What is known about a failed connection.
struct NetworkFailure {
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    int httpStatus = 0;        // 0 when no HTTP status line arrived
    QString httpPhrase;
    QString tlsProblem;        // certificate errors seen in the handshake, "; "-joined
    QString qtMessage;         // the reply's errorString(), for codes without a better text

    static NetworkFailure fromReply(QNetworkReply* reply, const QString& tlsProblem = {});
};

// "scheme://host:port" (default port filled in): what credentials are bound to.
QString originOf(const QUrl& url);
bool sameOrigin(const QUrl& a, const QUrl& b);
// "host:port" for reasons.
QString hostPortOf(const QUrl& url);

// The reason for a failed connection to `url` (HTTP status, DNS, refused, timeout, TLS, auth...).
QString networkErrorReason(const QUrl& url, const NetworkFailure& failure);
// The reason for a response whose status is not 200 (e.g. "HTTP 404 Not Found: no stream at /x").
QString httpStatusReason(const QUrl& url, int status, const QString& phrase);
// A 200 response that is not an MJPEG stream (e.g. the camera's web page).
QString notMjpegReason(const QByteArray& contentType);
// True when a Content-Type can carry MJPEG (multipart, image/jpeg, octet-stream or none).
bool isMjpegContentType(const QByteArray& contentType);
// No response headers within the connect timeout.
QString noAnswerReason(const QUrl& url, int timeoutMs);
// Redirected to another origin: the camera's credentials were withheld.
QString crossOriginRedirectReason(const QUrl& target);

} // namespace vigil
