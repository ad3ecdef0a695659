#include "processing/frame_sink.h"

namespace vigil {

LatestFrameSink::LatestFrameSink(QObject* parent) : QObject(parent) {}

LatestFrameSink::LatestFrameSink(const FrameFormat& format, QObject* parent) : QObject(parent), m_format(format) {}

FrameFormat LatestFrameSink::format() const
{
    std::lock_guard lock(m_mutex);
    return m_format;
}

void LatestFrameSink::setFormat(const FrameFormat& format)
{
    std::lock_guard lock(m_mutex);
    m_format = format;
}

void LatestFrameSink::deliver(const ProcessedFramePtr& frame)
{
    {
        std::lock_guard lock(m_mutex);
        if (m_pending)
            ++m_superseded;
        m_pending = frame;
        m_latest = frame;
    }
    ++m_delivered;
    // One queued notification at a time: a slow consumer never piles up events.
    if (!m_notified.exchange(true))
        QMetaObject::invokeMethod(this, &LatestFrameSink::frameAvailable, Qt::QueuedConnection);
}

ProcessedFramePtr LatestFrameSink::take()
{
    m_notified.store(false);
    std::lock_guard lock(m_mutex);
    ProcessedFramePtr out;
    out.swap(m_pending);
    return out;
}

ProcessedFramePtr LatestFrameSink::peekLatest() const
{
    std::lock_guard lock(m_mutex);
    return m_latest;
}

} // namespace vigil
