#include "rebroadcast/rejection_log.h"

namespace vigil {

bool RejectionLog::shouldLog(const QString& peer, const QByteArray& kind)
{
    const qint64 now = m_clock.elapsed();
    const QString key = peer + QLatin1Char(' ') + QString::fromLatin1(kind);
    const auto it = m_lastMs.constFind(key);
    if (it != m_lastMs.constEnd() && now - *it < kWindowMs)
        return false;
    if (m_lastMs.size() >= kMaxEntries)
        m_lastMs.clear();  // bounded: at worst a few more log lines
    m_lastMs.insert(key, now);
    return true;
}

} // namespace vigil
