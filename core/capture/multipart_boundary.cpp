#include "capture/multipart_boundary.h"

#include <algorithm>

namespace vigil {

namespace {

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool isBlank(char c)
{
    return c == ' ' || c == '\t';
}

} // namespace

QByteArray rawBoundaryParam(const QByteArray& ct)
{
    static const QByteArray key("boundary");
    const QByteArray lower = ct.toLower(); // parameter names are case-insensitive
    qsizetype from = 0;
    // Every occurrence of the key is looked at once and each value scan ends at its own end:
    // linear in the header's length.
    while ((from = lower.indexOf(key, from)) >= 0) {
        const qsizetype nameStart = from;
        from += key.size();
        // must be a whole parameter name: preceded by start, ';' or whitespace
        if (nameStart > 0 && lower[nameStart - 1] != ';' && !isSpace(lower[nameStart - 1]))
            continue;
        qsizetype i = from;
        while (i < ct.size() && isBlank(ct[i]))
            ++i;
        if (i >= ct.size() || ct[i] != '=')
            continue;
        ++i;
        while (i < ct.size() && isBlank(ct[i]))
            ++i;
        QByteArray value;
        if (i < ct.size() && ct[i] == '"') {
            for (++i; i < ct.size() && ct[i] != '"'; ++i) {
                if (ct[i] == '\\' && i + 1 < ct.size())
                    ++i;
                value += ct[i];
            }
        } else {
            const qsizetype start = i;
            while (i < ct.size() && ct[i] != ';' && !isSpace(ct[i]))
                ++i;
            value = ct.mid(start, i - start);
            // tolerate a stray single quote pair
            if (value.size() >= 2 && value.startsWith('\'') && value.endsWith('\''))
                value = value.mid(1, value.size() - 2);
        }
        if (!value.isEmpty())
            return value;
        from = std::max(from, i);
    }
    return {};
}

MultipartBoundary normaliseBoundary(QByteArray b)
{
    b = b.trimmed();
    if (b.size() >= 2 && b.startsWith('"') && b.endsWith('"'))
        b = b.mid(1, b.size() - 2);
    MultipartBoundary out;
    out.dashPrefixed = b.size() > 2 && b.startsWith("--");
    out.name = out.dashPrefixed ? b.mid(2) : b;
    return out;
}

} // namespace vigil
