#pragma once
// Finds a short pattern (a multipart delimiter, the JPEG SOI) in a stream that arrives in slices of
// any size, in time linear in the input: Knuth-Morris-Pratt, whose state (how much of the pattern
// ends the bytes seen so far) carries over between slices, so nothing is buffered or rescanned.
// While nothing is matched, memchr jumps to the next possible first byte.
#include <QByteArray>
#include <QVarLengthArray>
#include <cstring>

namespace vigil {

class StreamSearch {
public:
    void setPattern(const QByteArray& pattern)
    {
        m_pattern = pattern;
        const qsizetype m = pattern.size();
        m_fail.resize(m);
        if (m == 0)
            return;
        m_fail[0] = 0;
        qsizetype k = 0;
        for (qsizetype i = 1; i < m; ++i) {
            while (k > 0 && pattern[i] != pattern[k])
                k = m_fail[k - 1];
            if (pattern[i] == pattern[k])
                ++k;
            m_fail[i] = k;
        }
        m_matched = 0;
    }
    const QByteArray& pattern() const { return m_pattern; }
    qsizetype size() const { return m_pattern.size(); }

    // How many pattern bytes end the bytes seen so far (size() right after a complete match).
    qsizetype matched() const { return m_matched; }
    void reset() { m_matched = 0; }
    void setMatched(qsizetype k) { m_matched = k; }

    // One byte; true when it completes the pattern.
    bool push(char c)
    {
        const char* p = m_pattern.constData();
        const qsizetype* fail = m_fail.constData();
        const qsizetype m = m_pattern.size();
        qsizetype k = m_matched == m ? fail[m - 1] : m_matched;
        while (k > 0 && c != p[k])
            k = fail[k - 1];
        if (c == p[k])
            ++k;
        m_matched = k;
        return k == m;
    }

    // Scans d[0..n) and stops right after the first complete match: returns the offset just past
    // it, or -1 when the whole slice was scanned without one.
    qsizetype scan(const char* d, qsizetype n)
    {
        const char* p = m_pattern.constData();
        const qsizetype* fail = m_fail.constData();
        const qsizetype m = m_pattern.size();
        const char first = p[0];
        qsizetype k = m_matched == m ? fail[m - 1] : m_matched;
        qsizetype i = 0;
        while (i < n) {
            if (k == 0) {
                const void* hit = std::memchr(d + i, first, size_t(n - i));
                if (!hit)
                    break;
                i = static_cast<const char*>(hit) - d + 1;
                k = 1;
            } else {
                const char c = d[i++];
                while (k > 0 && c != p[k])
                    k = fail[k - 1];
                if (c == p[k])
                    ++k;
            }
            if (k == m) {
                m_matched = k;
                return i;
            }
        }
        m_matched = k;
        return -1;
    }

private:
    QByteArray m_pattern;
    QVarLengthArray<qsizetype, 64> m_fail;
    qsizetype m_matched = 0;
};

} // namespace vigil
