#pragma once
// The optional access token: `?token=...` on every URL (or `Authorization: Bearer ...` for HTTP).
#include <QByteArray>
#include <QString>
#include <QUrl>

namespace vigil {

// True when no token is configured or the URL's token (or the bearer header value) matches.
// Constant-time comparison so the token cannot be guessed byte by byte from response timing.
bool tokenAccepted(const QString& expected, const QUrl& url, const QByteArray& authorizationHeader = {});

} // namespace vigil
