#pragma once
// The one redaction of secrets, for everything shown or written: logs, errors, JSON, pages.
// Masks user info always, and every query value whose name (case-insensitive) contains one of
// token, key, pass, pwd, secret, auth, sig, session, user, usr.
#include <QString>
#include <QStringView>
#include <QUrl>

namespace vigil {

inline constexpr const char* kRedactedMask = "***";

// True when a query or setting name names a secret (see above).
bool isSecretName(QStringView name);
// The URL with its user info and secret query values replaced by the mask.
QUrl redactedUrl(const QUrl& url);
QString redactedUrlString(const QUrl& url);
// Free text (a log line, an error): every URL in it redacted, and every `name=value` pair whose
// name is secret (e.g. "?token=abc" on its own) masked.
QString redactedText(const QString& text);

} // namespace vigil
