#pragma once
// The last few seconds of a camera's source JPEGs, still compressed, for an event clip's pre-roll.
// push() runs on the camera's reader thread at full frame rate: O(1) amortised, no I/O, and the
// JPEG bytes are shared with the reader's QByteArray (never copied).
#include <QByteArray>
#include <QVector>
#include <deque>
#include <mutex>

#include "common/frame.h"

namespace vigil {

// One source frame as read from the camera.
struct ClipFrame {
    QByteArray jpeg;              // the camera's bytes, implicitly shared
    qint64 arrivalNs = 0;         // steady clock (vigil::nowNs) when it arrived; non-decreasing per camera
    qint64 wallMs = 0;            // wall clock ms since epoch at arrival (clip creation time)
    quint64 seq = 0;              // the reader's sequence number

    // Wall time is derived from the steady arrival time, so it is consistent with it.
    static ClipFrame fromEncoded(const EncodedFrame& frame);
};

struct ClipRingLimits {
    qint64 maxAgeNs = 5'000'000'000;      // keeps frames at most this much older than the newest
    qint64 maxBytes = 32LL * 1024 * 1024; // JPEG bytes held at most (a 1080p camera: ~5 s at 30 fps)
};

class ClipRing {
public:
    explicit ClipRing(ClipRingLimits limits = {});

    // Adds the newest frame, then forgets what is too old or over the byte bound.
    void push(ClipFrame frame);
    // The frames that arrived at or after `ns`, oldest first (shared bytes, not copies).
    QVector<ClipFrame> framesSince(qint64 ns) const;

    void setLimits(ClipRingLimits limits);
    ClipRingLimits limits() const;
    void clear();

    int count() const;
    qint64 bytes() const;
    // Frames forgotten for the byte bound while still inside the time window (pre-roll lost).
    quint64 droppedForBytes() const;

private:
    void trimLocked();

    mutable std::mutex m_mutex;
    ClipRingLimits m_limits;
    std::deque<ClipFrame> m_frames;
    qint64 m_bytes = 0;
    quint64 m_droppedForBytes = 0;
};

} // namespace vigil
