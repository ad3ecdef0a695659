#include "events/clip_ring.h"

#include <QDateTime>
#include <algorithm>

namespace vigil {

ClipFrame ClipFrame::fromEncoded(const EncodedFrame& frame)
{
    ClipFrame f;
    f.jpeg = frame.jpeg;
    f.arrivalNs = frame.receivedNs;
    f.seq = frame.seq;
    f.wallMs = QDateTime::currentMSecsSinceEpoch() - (nowNs() - frame.receivedNs) / 1'000'000;
    return f;
}

ClipRing::ClipRing(ClipRingLimits limits) : m_limits(limits) {}

void ClipRing::push(ClipFrame frame)
{
    std::lock_guard lock(m_mutex);
    m_bytes += frame.jpeg.size();
    m_frames.push_back(std::move(frame));
    trimLocked();
}

void ClipRing::trimLocked()
{
    // Each frame leaves at most once, so the work per push is O(1) amortised.
    const qint64 newest = m_frames.empty() ? 0 : m_frames.back().arrivalNs;
    while (!m_frames.empty()) {
        const ClipFrame& oldest = m_frames.front();
        if (newest - oldest.arrivalNs > m_limits.maxAgeNs) {
            // Too old for any pre-roll: not a loss.
        } else if (m_bytes > m_limits.maxBytes) {
            ++m_droppedForBytes;
        } else {
            break;
        }
        m_bytes -= oldest.jpeg.size();
        m_frames.pop_front();
    }
}

QVector<ClipFrame> ClipRing::framesSince(qint64 ns) const
{
    std::lock_guard lock(m_mutex);
    const auto first = std::lower_bound(m_frames.begin(), m_frames.end(), ns,
                                        [](const ClipFrame& f, qint64 t) { return f.arrivalNs < t; });
    QVector<ClipFrame> out;
    out.reserve(int(m_frames.end() - first));
    for (auto it = first; it != m_frames.end(); ++it)
        out.append(*it);
    return out;
}

void ClipRing::setLimits(ClipRingLimits limits)
{
    std::lock_guard lock(m_mutex);
    m_limits = limits;
    trimLocked();
}

ClipRingLimits ClipRing::limits() const
{
    std::lock_guard lock(m_mutex);
    return m_limits;
}

void ClipRing::clear()
{
    std::lock_guard lock(m_mutex);
    m_frames.clear();
    m_bytes = 0;
}

int ClipRing::count() const
{
    std::lock_guard lock(m_mutex);
    return int(m_frames.size());
}

qint64 ClipRing::bytes() const
{
    std::lock_guard lock(m_mutex);
    return m_bytes;
}

quint64 ClipRing::droppedForBytes() const
{
    std::lock_guard lock(m_mutex);
    return m_droppedForBytes;
}

} // namespace vigil
