#pragma once
// Decides, per analysed frame, whether a camera's frame goes to the detector and where to look.
//
// Motion mode infers a frame when (1) something moves, (2) an object detected in the last few
// seconds is still moving (any motion over its box, even below the minimum area), (3) for a moment
// after that (a person who stops walking is still followed), or (4) at the heartbeat, on the whole
// frame, so a stationary object stays known. Otherwise the frame is shown but not inferred: it says
// nothing about objects. Always mode infers every frame whole; Off never infers.
// Thread-safe: decide() runs on the motion stage, onInferred() on the inference stage.
#include <QList>
#include <QRect>
#include <QSize>
#include <mutex>

#include "common/frame.h"
#include "config/detect_mode.h"
#include "motion/motion_detector.h"

namespace vigil {

class InferenceGate {
public:
    enum class Reason { None, Always, Motion, ObjectMoving, Following, Heartbeat };
    struct Decision {
        bool infer = false;
        QRect focus;              // where to look (source pixels); empty: the whole frame
        Reason reason = Reason::None;
    };

    // Objects detected this recently count as "recent" (their boxes join the focus area).
    static constexpr qint64 kRecentObjectNs = 5'000'000'000;
    // After the last sign of a recent object moving, keep inferring this long.
    static constexpr qint64 kFollowNs = 2'000'000'000;
    // A heartbeat on its way to the detector counts as done until its result comes (or this long,
    // in case it was superseded by a crop): frames analysed meanwhile do not each ask for one.
    static constexpr qint64 kHeartbeatPendingNs = 1'000'000'000;

    Decision decide(DetectMode mode, const MotionResult& motion, QSize source, qint64 heartbeatNs, qint64 nowNs);
    // What an inference found in `region` (source pixels). A whole-frame region restarts the heartbeat.
    void onInferred(const QVector<Detection>& found, const QRect& region, QSize source, qint64 nowNs);
    void reset();                 // e.g. the camera restarted: the next motion-mode frame is a heartbeat

    static QString reasonName(Reason reason);

private:
    struct Recent {
        QRect box;
        qint64 seenNs;
    };
    std::mutex m_mutex;
    QList<Recent> m_recent;       // bounded: kMaxRecent
    qint64 m_lastWholeNs = 0;
    bool m_haveWhole = false;
    qint64 m_wholeOfferedNs = 0;  // when the last heartbeat was decided; 0: none on its way
    qint64 m_followUntilNs = 0;
    static constexpr int kMaxRecent = 64;
};

} // namespace vigil
