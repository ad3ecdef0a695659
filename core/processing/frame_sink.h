#pragma once
// Consumers of processed results (GUI tiles, rebroadcast clients, CLI). Each states the format it
// wants; deliver() gets a frame in that format, runs on a worker thread and must never block:
// sinks keep only the latest frame.
#include <QObject>
#include <atomic>
#include <mutex>

#include "common/frame.h"

namespace vigil {

class FrameSink {
public:
    virtual ~FrameSink() = default;
    // Read by the worker before each frame (any thread). Default: metadata and detections only.
    virtual FrameFormat format() const { return {}; }
    virtual void deliver(const ProcessedFramePtr& frame) = 0;
};

// Keeps the latest frame and signals (coalesced: at most one queued notification) in the thread
// this object lives in. A frame replaced before take() counts as superseded.
class LatestFrameSink : public QObject, public FrameSink {
    Q_OBJECT
public:
    explicit LatestFrameSink(QObject* parent = nullptr);
    explicit LatestFrameSink(const FrameFormat& format, QObject* parent = nullptr);
    FrameFormat format() const override;
    void setFormat(const FrameFormat& format);  // any thread; used from the next processed frame
    void deliver(const ProcessedFramePtr& frame) override;
    ProcessedFramePtr take();           // the pending frame (null if none); re-arms the signal
    ProcessedFramePtr peekLatest() const; // last frame delivered, taken or not
    quint64 superseded() const { return m_superseded.load(); }
    quint64 delivered() const { return m_delivered.load(); }

signals:
    void frameAvailable();

private:
    mutable std::mutex m_mutex;
    FrameFormat m_format{QSize(), true, true};  // unless told otherwise: image and JPEG at source size
    ProcessedFramePtr m_pending;
    ProcessedFramePtr m_latest;
    std::atomic<bool> m_notified{false};
    std::atomic<quint64> m_superseded{0};
    std::atomic<quint64> m_delivered{0};
};

} // namespace vigil
