#include "events/clip_reader.h"

#include <QDateTime>
#include <QFileInfo>
#include <algorithm>

#include "events/clip_av.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/dict.h>
}

namespace vigil {

namespace {
constexpr AVRational kMs{1, 1000};
constexpr qint64 kLoneFrameMs = 40;   // as the writer: a one-frame clip still lasts a frame
} // namespace

ClipReader::ClipReader(ClipReaderLimits limits) : m_limits(limits) {}

ClipReader::~ClipReader()
{
    close();
}

void ClipReader::close()
{
    av_packet_free(&m_packet);
    if (m_ctx)
        avformat_close_input(&m_ctx);
    m_stream = -1;
    m_pts.clear();
    m_startPts = 0;
    m_durationMs = 0;
    m_startWallMs = 0;
    m_size = {};
    m_next = 0;
    m_warning.clear();
}

bool ClipReader::fail(const QString& what, int averror)
{
    close();
    m_error = averror < 0 ? QStringLiteral("%1: %2").arg(what, clipav::errorText(averror)) : what;
    return false;
}

bool ClipReader::open(const QString& path)
{
    close();
    m_error.clear();
    m_path = path;
    const QFileInfo info(path);
    if (!info.exists())
        return fail(QStringLiteral("the clip file %1 is missing").arg(path));
    if (!info.isFile())
        return fail(QStringLiteral("%1 is not a file").arg(path));
    if (info.size() == 0)
        return fail(QStringLiteral("the clip file %1 is empty").arg(path));
    if (info.size() > m_limits.maxFileBytes)
        return fail(QStringLiteral("the clip file %1 is too large (%2 MB)").arg(path).arg(info.size() >> 20));

    // Matroska only, local files only: nothing in the file may make libav open something else.
    const AVInputFormat* matroska = av_find_input_format("matroska");
    AVDictionary* options = nullptr;
    av_dict_set(&options, "protocol_whitelist", "file", 0);
    int ret = avformat_open_input(&m_ctx, clipav::fileUrl(path).constData(), matroska, &options);
    av_dict_free(&options);
    if (ret < 0) {
        m_ctx = nullptr;  // freed by avformat_open_input on failure
        return fail(QStringLiteral("the clip %1 cannot be read (damaged or not a clip)").arg(path), ret);
    }
    for (unsigned i = 0; i < m_ctx->nb_streams; ++i) {
        const AVCodecParameters* par = m_ctx->streams[i]->codecpar;
        if (m_stream < 0 && par->codec_type == AVMEDIA_TYPE_VIDEO && par->codec_id == AV_CODEC_ID_MJPEG)
            m_stream = int(i);
        else
            m_ctx->streams[i]->discard = AVDISCARD_ALL;
    }
    if (m_stream < 0)
        return fail(QStringLiteral("%1 has no Motion-JPEG video").arg(path));
    const AVCodecParameters* par = m_ctx->streams[m_stream]->codecpar;
    m_size = QSize(par->width, par->height);
    if (m_size.isEmpty() || m_size.width() > m_limits.maxFrameSize.width()
        || m_size.height() > m_limits.maxFrameSize.height())
        return fail(QStringLiteral("%1 claims an invalid frame size %2x%3").arg(path).arg(par->width).arg(par->height));
    m_packet = av_packet_alloc();
    if (!m_packet)
        return fail(QStringLiteral("out of memory"));
    m_startWallMs = creationTimeMs();
    return buildIndex();
}

qint64 ClipReader::creationTimeMs() const
{
    // Matroska's DateUTC, which libavformat gives back as ISO 8601 with microseconds.
    const AVDictionaryEntry* entry = av_dict_get(m_ctx->metadata, "creation_time", nullptr, 0);
    if (!entry || !entry->value)
        return 0;
    const QDateTime when = QDateTime::fromString(QString::fromUtf8(entry->value), Qt::ISODateWithMs);
    return when.isValid() ? std::max<qint64>(0, when.toMSecsSinceEpoch()) : 0;
}

qint64 ClipReader::packetPtsMs(const AVPacket* packet) const
{
    const qint64 ts = packet->pts != AV_NOPTS_VALUE ? packet->pts : packet->dts;
    if (ts == AV_NOPTS_VALUE)
        return AV_NOPTS_VALUE;
    return av_rescale_q(ts, m_ctx->streams[m_stream]->time_base, kMs);
}

bool ClipReader::buildIndex()
{
    QString damage;
    qint64 last = AV_NOPTS_VALUE;
    for (;;) {
        const int ret = av_read_frame(m_ctx, m_packet);
        if (ret == AVERROR_EOF)
            break;
        if (ret < 0) {
            damage = clipav::errorText(ret);
            break;
        }
        const bool ours = m_packet->stream_index == m_stream;
        const bool corrupt = m_packet->flags & AV_PKT_FLAG_CORRUPT;
        const qint64 size = m_packet->size;
        const qint64 pts = packetPtsMs(m_packet);
        av_packet_unref(m_packet);
        if (!ours)
            continue;
        if (corrupt || size <= 0 || size > m_limits.maxPacketBytes) {
            damage = QStringLiteral("a damaged frame");
            break;
        }
        if (pts == AV_NOPTS_VALUE || (last != AV_NOPTS_VALUE && pts <= last)) {
            damage = QStringLiteral("frames out of order");
            break;
        }
        if (m_pts.size() >= m_limits.maxFrames)
            return fail(QStringLiteral("%1 has more than %2 frames").arg(m_path).arg(m_limits.maxFrames));
        if (m_pts.isEmpty())
            m_startPts = pts;
        m_pts.append(pts - m_startPts);
        last = pts;
    }
    if (m_pts.isEmpty())
        return fail(QStringLiteral("the clip %1 has no readable frame%2")
                        .arg(m_path, damage.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(damage)));

    const qint64 lastInterval = m_pts.size() > 1 ? m_pts.last() - m_pts[m_pts.size() - 2] : kLoneFrameMs;
    const qint64 measured = m_pts.last() + lastInterval;
    const qint64 declared = m_ctx->duration > 0 ? av_rescale(m_ctx->duration, 1000, AV_TIME_BASE) : 0;
    // A clip cut short keeps its header, which still declares the full length.
    if (damage.isEmpty() && declared > measured + std::max<qint64>(2 * lastInterval, 100))
        damage = QStringLiteral("it ends at %1 s of %2 s").arg(measured / 1000.0).arg(declared / 1000.0);
    if (!damage.isEmpty())
        m_warning = QStringLiteral("the clip %1 is damaged after frame %2 (%3); the frames before play")
                        .arg(m_path).arg(m_pts.size()).arg(damage);
    m_durationMs = damage.isEmpty() && declared > 0 ? declared : measured;
    if (!seekToFrame(0))
        return false;
    return true;
}

int ClipReader::frameAt(qint64 ms) const
{
    const auto it = std::upper_bound(m_pts.begin(), m_pts.end(), ms);
    return std::max(0, int(it - m_pts.begin()) - 1);
}

bool ClipReader::seekStream(qint64 ptsMs)
{
    const AVStream* st = m_ctx->streams[m_stream];
    const qint64 ts = av_rescale_q(ptsMs + m_startPts, kMs, st->time_base);
    return av_seek_frame(m_ctx, m_stream, ts, AVSEEK_FLAG_BACKWARD) >= 0;
}

bool ClipReader::seekToFrame(int index)
{
    if (!m_ctx) {
        m_error = QStringLiteral("no clip is open");
        return false;
    }
    if (index < 0 || index > frameCount())
        return false;
    m_next = index;
    if (index == frameCount())
        return true;
    // Lands on or before the frame (every frame is indexed as a key frame); read() skips the rest.
    if (!seekStream(m_pts[index]) && !seekStream(0))
        return fail(QStringLiteral("cannot seek in %1").arg(m_path));
    return true;
}

bool ClipReader::read(ClipPacket* out)
{
    if (!m_ctx || atEnd())
        return false;
    const qint64 wanted = m_pts[m_next];
    bool retried = false;
    for (;;) {
        const int ret = av_read_frame(m_ctx, m_packet);
        if (ret < 0) {
            if (ret != AVERROR_EOF)
                m_error = QStringLiteral("reading %1: %2").arg(m_path, clipav::errorText(ret));
            m_next = frameCount();  // the index said more; stop here rather than loop
            return false;
        }
        if (m_packet->stream_index != m_stream) {
            av_packet_unref(m_packet);
            continue;
        }
        const qint64 pts = packetPtsMs(m_packet) - m_startPts;
        if (pts < wanted) {
            av_packet_unref(m_packet);
            continue;
        }
        if (pts > wanted && !retried) {
            // The demuxer landed past the frame: go back to the start and skip forward.
            av_packet_unref(m_packet);
            retried = true;
            if (!seekStream(0))
                return fail(QStringLiteral("cannot seek in %1").arg(m_path));
            continue;
        }
        out->jpeg = QByteArray(reinterpret_cast<const char*>(m_packet->data), m_packet->size);
        out->ptsMs = pts;
        out->index = pts == wanted ? m_next : frameAt(pts);
        m_next = out->index + 1;
        av_packet_unref(m_packet);
        return true;
    }
}

} // namespace vigil
