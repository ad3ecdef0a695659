#include "rebroadcast/camera_feed.h"

#include <QDateTime>
#include <algorithm>

#include "pipeline/camera.h"
#include "rebroadcast/frame_message.h"
#include "rebroadcast/source_viewer.h"

namespace vigil {

const QByteArray& OutgoingFrame::base64Jpeg() const
{
    if (m_base64.isEmpty() && !m_frame->jpeg.isEmpty())
        m_base64 = m_frame->jpeg.toBase64();
    return m_base64;
}

const QByteArray& OutgoingFrame::binaryMessage(qint64 sentWallMs) const
{
    if (m_binaryMs != sentWallMs) {
        m_binary = encodeBinaryFrame(*m_frame, sentWallMs);
        m_binaryMs = sentWallMs;
    }
    return m_binary;
}

const QString& OutgoingFrame::textMessage(qint64 sentWallMs) const
{
    if (m_textMs != sentWallMs) {
        m_text = QString::fromUtf8(encodeTextFrame(*m_frame, base64Jpeg(), sentWallMs));
        m_textMs = sentWallMs;
    }
    return m_text;
}

CameraFeed::CameraFeed(Camera* camera, QObject* parent)
    : QObject(parent), m_camera(camera), m_id(camera->id())
{
    // Viewers get the camera's own size as JPEG, whatever size a tile on screen asked for.
    m_sink.setFormat(FrameFormat{QSize(), false, true});
    connect(&m_sink, &LatestFrameSink::frameAvailable, this, &CameraFeed::onFrameAvailable);
    m_statsBucket = camera->stats().processed / kStatsEvery;
    camera->addSink(&m_sink);
}

CameraFeed::~CameraFeed() { detach(); }

void CameraFeed::detach(bool cameraAlive)
{
    std::lock_guard lock(m_cameraMutex);
    // After removeSink/removeFrameTap return no worker or reader touches m_sink or a viewer again
    // (Camera guarantees it). A camera being destroyed has dropped its taps already.
    if (m_camera && cameraAlive) {
        m_camera->removeSink(&m_sink);
        for (SourceViewer* v : m_sourceViewers)
            m_camera->removeFrameTap(v);
    }
    m_sourceViewers.clear();
    m_camera = nullptr;
}

bool CameraFeed::addSourceViewer(SourceViewer* viewer)
{
    std::lock_guard lock(m_cameraMutex);
    if (!m_camera)
        return false;
    if (std::find(m_sourceViewers.begin(), m_sourceViewers.end(), viewer) == m_sourceViewers.end())
        m_sourceViewers.push_back(viewer);
    m_camera->addFrameTap(viewer, [viewer](const EncodedFrame& frame) { viewer->offer(frame); });
    return true;
}

void CameraFeed::removeSourceViewer(SourceViewer* viewer)
{
    std::lock_guard lock(m_cameraMutex);
    const auto it = std::find(m_sourceViewers.begin(), m_sourceViewers.end(), viewer);
    if (it == m_sourceViewers.end())
        return;
    m_sourceViewers.erase(it);
    if (m_camera)
        m_camera->removeFrameTap(viewer);
}

void CameraFeed::subscribe(FeedSubscriber* s)
{
    if (std::find(m_subscribers.begin(), m_subscribers.end(), s) == m_subscribers.end())
        m_subscribers.push_back(s);
}

void CameraFeed::unsubscribe(FeedSubscriber* s)
{
    m_subscribers.erase(std::remove(m_subscribers.begin(), m_subscribers.end(), s), m_subscribers.end());
}

void CameraFeed::onFrameAvailable()
{
    ProcessedFramePtr frame = m_sink.take();
    StatsSnapshot stats;
    {
        std::lock_guard lock(m_cameraMutex);
        if (!frame || !m_camera)
            return;
        stats = m_camera->stats();
    }
    ++m_dispatched;
    auto out = std::make_shared<const OutgoingFrame>(std::move(frame));
    // Copy: a subscriber may unsubscribe (socket error) while we iterate.
    const std::vector<FeedSubscriber*> subs = m_subscribers;
    for (FeedSubscriber* s : subs)
        s->offerFrame(out);

    // Stats on every kStatsEvery-th processed result of the camera, even if the sink coalesced some.
    const quint64 bucket = stats.processed / kStatsEvery;
    if (bucket > m_statsBucket) {
        m_statsBucket = bucket;
        const QByteArray json = encodeStats(m_id, stats, QDateTime::currentMSecsSinceEpoch());
        const std::vector<FeedSubscriber*> statsSubs = m_subscribers;
        for (FeedSubscriber* s : statsSubs)
            s->offerStats(m_id, json);
    }
}

} // namespace vigil
