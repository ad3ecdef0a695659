#pragma once
// Logs a refused request or connection at most once per peer and kind in a window, so that a
// client hammering the server cannot flood the log. Server thread only.
#include <QElapsedTimer>
#include <QHash>
#include <QString>

namespace vigil {

class RejectionLog {
public:
    static constexpr qint64 kWindowMs = 10 * 60 * 1000;
    static constexpr int kMaxEntries = 4096;

    RejectionLog() { m_clock.start(); }
    // True when this (peer, kind) was not logged within the window: the caller logs it now.
    bool shouldLog(const QString& peer, const QByteArray& kind);

private:
    QElapsedTimer m_clock;
    QHash<QString, qint64> m_lastMs;
};

} // namespace vigil
