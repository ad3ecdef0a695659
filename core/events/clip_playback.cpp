#include "events/clip_playback.h"

#include <algorithm>
#include <cmath>
#include <opencv2/core.hpp>

namespace vigil {

// --- ClipTrack ---

ClipTrack::ClipTrack(const QList<EventTrackPoint>& track, qint64 clipStartWallMs, qint64 toleranceMs)
    : m_toleranceMs(double(std::max<qint64>(0, toleranceMs)))
{
    for (const EventTrackPoint& p : track)
        if (std::isfinite(p.t) && p.box.isValid())
            m_points.append({p.t * 1000.0 - double(clipStartWallMs), p.box, p.score});
    std::stable_sort(m_points.begin(), m_points.end(), [](const Point& a, const Point& b) { return a.ms < b.ms; });
    if (m_points.size() < 2)
        return;
    // A thinned track is evenly sparse: its usual spacing is no loss of the object.
    std::vector<double> gaps;
    for (qsizetype i = 1; i < m_points.size(); ++i)
        gaps.push_back(m_points[i].ms - m_points[i - 1].ms);
    std::nth_element(gaps.begin(), gaps.begin() + gaps.size() / 2, gaps.end());
    m_maxGapMs = std::max(kMaxGapS * 1000, 1.5 * gaps[gaps.size() / 2]);
}

std::optional<QRectF> ClipTrack::boxAt(qint64 ms) const
{
    if (m_points.isEmpty())
        return std::nullopt;
    const double t = double(ms);
    const auto after = std::upper_bound(m_points.begin(), m_points.end(), t,
                                        [](double v, const Point& p) { return v < p.ms; });
    const Point* next = after != m_points.end() ? &*after : nullptr;
    const Point* prev = after != m_points.begin() ? &*(after - 1) : nullptr;
    if (prev && next && next->ms - prev->ms <= m_maxGapMs) {
        const double f = (t - prev->ms) / (next->ms - prev->ms);
        const QRectF& a = prev->box;
        const QRectF& b = next->box;
        return QRectF(a.x() + (b.x() - a.x()) * f, a.y() + (b.y() - a.y()) * f,
                      a.width() + (b.width() - a.width()) * f, a.height() + (b.height() - a.height()) * f);
    }
    // At a run's ends (or the track's) only the nearest frame shows the point's box.
    if (prev && t - prev->ms <= m_toleranceMs)
        return prev->box;
    if (next && next->ms - t <= m_toleranceMs)
        return next->box;
    return std::nullopt;
}

double ClipTrack::scoreAt(qint64 ms) const
{
    double best = 0, bestDistance = INFINITY;
    for (const Point& p : m_points)
        if (std::abs(p.ms - double(ms)) < bestDistance) {
            bestDistance = std::abs(p.ms - double(ms));
            best = p.score;
        }
    return best;
}

QList<ClipRange> ClipTrack::ranges() const
{
    QList<ClipRange> out;
    if (m_points.isEmpty())
        return out;
    double start = m_points.first().ms;
    for (qsizetype i = 1; i <= m_points.size(); ++i) {
        if (i < m_points.size() && m_points[i].ms - m_points[i - 1].ms <= m_maxGapMs)
            continue;
        out.append({std::llround(start), std::llround(m_points[i - 1].ms)});
        if (i < m_points.size())
            start = m_points[i].ms;
    }
    return out;
}

// --- ClipPlayback ---

ClipPlayback::ClipPlayback(ClipReaderLimits limits, QObject* parent)
    : QObject(parent), m_reader(limits), m_limits(limits)
{
    m_elapsed.start();
    m_clock = [this] { return m_elapsed.elapsed(); };
    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &ClipPlayback::tick);
}

ClipPlayback::~ClipPlayback() = default;

bool ClipPlayback::open(const QString& path)
{
    close();
    m_path = path;
    m_error.clear();
    if (!m_reader.open(path)) {
        m_error = m_reader.error();
        return false;
    }
    QVector<qint64> gaps;
    const QVector<qint64>& pts = m_reader.framePts();
    for (qsizetype i = 1; i < pts.size(); ++i)
        gaps.append(pts[i] - pts[i - 1]);
    if (!gaps.isEmpty()) {
        std::nth_element(gaps.begin(), gaps.begin() + gaps.size() / 2, gaps.end());
        m_intervalMs = gaps[gaps.size() / 2];
    }
    showFrame(0);   // a first frame that does not decode still leaves the clip open (frameError)
    return m_reader.isOpen();
}

void ClipPlayback::close()
{
    pause();
    m_reader.close();
    m_current = -1;
    m_jpeg.clear();
    m_image = {};
    m_frameError.clear();
    m_intervalMs = 0;
    m_stats = {};
}

qint64 ClipPlayback::positionMs() const
{
    return m_current >= 0 && m_current < frameCount() ? framePts()[m_current] : 0;
}

QSize ClipPlayback::decodeTarget(QSize viewSize) const
{
    const QSize source = frameSize();
    if (source.isEmpty() || viewSize.isEmpty())
        return {};
    return source.scaled(viewSize, Qt::KeepAspectRatio);   // the frame as it will be painted
}

void ClipPlayback::setDecodeSize(QSize viewSize)
{
    const QSize source = frameSize();
    const bool rescale = !source.isEmpty()
        && JpegDecoder::scaledSizeFor(source, decodeTarget(viewSize))
            != JpegDecoder::scaledSizeFor(source, decodeTarget(m_viewSize));
    m_viewSize = viewSize;
    if (rescale && !m_jpeg.isEmpty() && !m_playing) {
        decodeCurrent();
        emit frameChanged(m_current, positionMs());
    }
}

void ClipPlayback::setClock(Clock clock)
{
    const double now = m_playing ? mediaNowMs() : 0;
    m_clock = std::move(clock);
    if (m_playing)
        anchor(now);
}

bool ClipPlayback::showFrame(int index)
{
    if (!isOpen() || index < 0 || index >= frameCount())
        return false;
    ClipPacket packet;
    const bool ok = (m_reader.position() == index || m_reader.seekToFrame(index)) && m_reader.read(&packet);
    if (!ok) {
        if (!m_reader.isOpen())   // the reader gave up on the file
            m_error = m_reader.error();
        m_frameError = m_reader.error().isEmpty()
            ? QStringLiteral("frame %1 cannot be read").arg(index + 1)
            : m_reader.error();
        m_current = index;
        m_jpeg.clear();
        m_image = {};
        if (!isOpen())
            pause();
        emit frameChanged(m_current, positionMs());
        return false;
    }
    m_current = packet.index;
    m_jpeg = packet.jpeg;
    decodeCurrent();
    emit frameChanged(m_current, positionMs());
    return m_frameError.isEmpty();
}

void ClipPlayback::decodeCurrent()
{
    auto* bgr = new cv::Mat;
    QString why;
    if (!m_decoder.decodeBgr(m_jpeg, *bgr, decodeTarget(m_viewSize), &why, m_limits.maxFrameSize) || bgr->empty()
        || bgr->type() != CV_8UC3) {
        delete bgr;
        m_image = {};
        m_frameError = QStringLiteral("frame %1 cannot be decoded%2")
                           .arg(m_current + 1).arg(why.isEmpty() ? QString() : QStringLiteral(": ") + why);
        ++m_stats.decodeErrors;
        return;
    }
    // The image borrows the decoded pixels and frees them with itself: no copy per frame.
    m_image = QImage(bgr->data, bgr->cols, bgr->rows, int(bgr->step), QImage::Format_BGR888,
                     [](void* mat) { delete static_cast<cv::Mat*>(mat); }, bgr);
    m_frameError.clear();
    ++m_stats.decoded;
}

double ClipPlayback::mediaNowMs() const
{
    return m_anchorMediaMs + double(m_clock() - m_anchorClockMs) * m_speed;
}

void ClipPlayback::anchor(double mediaMs)
{
    m_anchorMediaMs = mediaMs;
    m_anchorClockMs = m_clock();
}

void ClipPlayback::setPlaying(bool playing)
{
    if (m_playing == playing)
        return;
    m_playing = playing;
    if (!playing)
        m_timer.stop();
    emit playingChanged(playing);
}

void ClipPlayback::play()
{
    if (!isOpen() || m_playing)
        return;
    if (m_current < 0 || m_current >= frameCount() - 1)
        showFrame(0);
    anchor(double(positionMs()));
    setPlaying(true);
    schedule();
}

void ClipPlayback::pause()
{
    setPlaying(false);
}

void ClipPlayback::togglePlay()
{
    m_playing ? pause() : play();
}

void ClipPlayback::setSpeed(double speed)
{
    speed = std::clamp(speed, 0.1, 16.0);
    if (m_playing)
        anchor(mediaNowMs());   // at the old speed up to now
    m_speed = speed;
    schedule();
}

bool ClipPlayback::stepForward()
{
    pause();
    return showFrame(m_current + 1);
}

bool ClipPlayback::stepBack()
{
    pause();
    return showFrame(std::max(0, m_current - 1));
}

bool ClipPlayback::seekToFrame(int index)
{
    if (!isOpen() || index < 0 || index >= frameCount())
        return false;
    const bool ok = showFrame(index);
    if (m_playing) {
        anchor(double(positionMs()));
        schedule();
    }
    return ok;
}

bool ClipPlayback::seekToMs(qint64 ms)
{
    if (!isOpen())
        return false;
    ms = std::clamp<qint64>(ms, 0, durationMs());
    const bool ok = showFrame(frameAt(ms));
    if (m_playing) {
        anchor(double(ms));
        schedule();
    }
    return ok;
}

void ClipPlayback::tick()
{
    if (!m_playing)
        return;
    const double now = mediaNowMs();
    const int last = frameCount() - 1;
    const int due = now >= double(durationMs()) ? last : frameAt(qint64(now));
    if (due > m_current) {
        m_stats.skipped += std::max(0, due - m_current - 1);
        showFrame(due);
    }
    if (now >= double(durationMs())) {
        setPlaying(false);
        emit finished();
        return;
    }
    schedule();
}

void ClipPlayback::schedule()
{
    if (!m_playing)
        return;
    const int next = m_current + 1;
    const double dueMs = next < frameCount() ? double(framePts()[next]) : double(durationMs());
    const double waitMs = (dueMs - mediaNowMs()) / m_speed;
    // Capped: a clock that jumps (or a test's) is looked at again soon.
    m_timer.start(int(std::clamp(std::ceil(waitMs), 0.0, 250.0)));
}

} // namespace vigil
