#include "motion/inference_gate.h"

namespace vigil {

InferenceGate::Decision InferenceGate::decide(DetectMode mode, const MotionResult& motion, QSize source,
                                              qint64 heartbeatNs, qint64 nowNs)
{
    Decision d;
    if (mode == DetectMode::Off)
        return d;
    if (mode == DetectMode::Always) {
        d.infer = true;
        d.reason = Reason::Always;
        return d;
    }
    std::lock_guard lock(m_mutex);
    m_recent.erase(std::remove_if(m_recent.begin(), m_recent.end(),
                                  [&](const Recent& r) { return nowNs - r.seenNs > kRecentObjectNs; }),
                   m_recent.end());
    // Any motion over a recent object's box, however small, means it is still moving.
    QRect moving;
    for (const Recent& r : std::as_const(m_recent))
        for (const QRect& m : motion.anyBoxes)
            if (r.box.intersects(m))
                moving |= r.box | m;
    if (!moving.isNull())
        m_followUntilNs = nowNs + kFollowNs;

    const bool pending = m_wholeOfferedNs != 0 && nowNs - m_wholeOfferedNs < std::min(heartbeatNs, kHeartbeatPendingNs);
    const bool heartbeat = !pending && (!m_haveWhole || nowNs - m_lastWholeNs >= heartbeatNs);
    if (heartbeat) {
        m_wholeOfferedNs = nowNs;
        d.reason = Reason::Heartbeat;  // whole frame: focus stays empty
    } else if (motion.motion) {
        d.reason = Reason::Motion;
    } else if (!moving.isNull()) {
        d.reason = Reason::ObjectMoving;
    } else if (nowNs < m_followUntilNs && !m_recent.isEmpty()) {
        d.reason = Reason::Following;
    } else {
        return d;
    }
    d.infer = true;
    if (!heartbeat) {
        QRect focus = moving;
        for (const QRect& b : motion.boxes)
            focus |= b;
        for (const Recent& r : std::as_const(m_recent))
            focus |= r.box;
        d.focus = focus & QRect(QPoint(0, 0), source);
        if (d.focus.isEmpty())     // nothing to aim at: look everywhere
            d.focus = QRect();
    }
    return d;
}

void InferenceGate::onInferred(const QVector<Detection>& found, const QRect& region, QSize source, qint64 nowNs)
{
    std::lock_guard lock(m_mutex);
    if (region.contains(QRect(QPoint(0, 0), source))) {
        m_lastWholeNs = nowNs;
        m_haveWhole = true;
        m_wholeOfferedNs = 0;
    }
    // What the detector looked at is replaced by what it found; objects outside a crop stay.
    m_recent.erase(std::remove_if(m_recent.begin(), m_recent.end(),
                                  [&](const Recent& r) { return region.contains(r.box); }),
                   m_recent.end());
    for (const Detection& d : found) {
        if (m_recent.size() >= kMaxRecent)
            m_recent.removeFirst();
        m_recent.append({d.box.toAlignedRect(), nowNs});
    }
}

void InferenceGate::reset()
{
    std::lock_guard lock(m_mutex);
    m_recent.clear();
    m_haveWhole = false;
    m_wholeOfferedNs = 0;
    m_followUntilNs = 0;
}

QString InferenceGate::reasonName(Reason reason)
{
    switch (reason) {
    case Reason::None: return QStringLiteral("none");
    case Reason::Always: return QStringLiteral("always");
    case Reason::Motion: return QStringLiteral("motion");
    case Reason::ObjectMoving: return QStringLiteral("object moving");
    case Reason::Following: return QStringLiteral("following");
    case Reason::Heartbeat: return QStringLiteral("heartbeat");
    }
    return {};
}

} // namespace vigil
