#pragma once
// The boundary of a multipart/x-mixed-replace stream, from its Content-Type header value.
#include <QByteArray>

namespace vigil {

struct MultipartBoundary {
    QByteArray name;           // no quotes, no leading "--"; empty: the value carries no boundary
    bool dashPrefixed = false; // declared with a leading "--" (the wire may then show "----name")
};

// The raw boundary parameter of a Content-Type value (unquoted, dashes kept); empty when absent.
// Parameter names are case-insensitive; quoted values may hold ';' and backslash escapes.
QByteArray rawBoundaryParam(const QByteArray& contentType);

// Normalises a boundary as declared (quoted or bare, with or without a leading "--").
MultipartBoundary normaliseBoundary(QByteArray declared);

} // namespace vigil
