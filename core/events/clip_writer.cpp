#include "events/clip_writer.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <fcntl.h>
#include <unistd.h>

#include "events/clip_av.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/dict.h>
}

namespace vigil {

namespace {
constexpr AVRational kMs{1, 1000};
// The only frame of a one-frame clip still needs a length to be shown.
constexpr qint64 kLoneFrameMs = 40;
} // namespace

ClipWriter::ClipWriter(QString path, ClipWriterOptions options)
    : m_path(std::move(path)), m_partPath(partPathFor(m_path)), m_options(options)
{
}

ClipWriter::~ClipWriter()
{
    if (m_state == State::Open)
        abort();
    av_packet_free(&m_packet);
}

qint64 ClipWriter::durationMs() const
{
    if (m_pendingPtsMs < 0)
        return 0;
    return m_pendingPtsMs + (m_lastIntervalMs > 0 ? m_lastIntervalMs : kLoneFrameMs);
}

ClipWriter::Added ClipWriter::add(const ClipFrame& frame)
{
    if (m_state == State::Failed)
        return Added::Failed;
    if (m_state == State::Finished || !m_endReason.isEmpty())
        return Added::Full;

    QSize size;
    if (!m_decoder.readSize(frame.jpeg, &size, nullptr, m_options.maxFrameSize)) {
        ++m_skipped;
        return Added::Skipped;
    }
    if (m_state == State::Empty) {
        m_size = size;
        m_firstNs = frame.arrivalNs;
        m_firstWallMs = frame.wallMs;
        if (!openMuxer(frame.wallMs))
            return Added::Failed;
    } else if (size != m_size) {
        m_endReason = QStringLiteral("the camera changed resolution from %1x%2 to %3x%4")
                          .arg(m_size.width()).arg(m_size.height()).arg(size.width()).arg(size.height());
        return Added::Full;
    }

    // Matroska needs strictly increasing timestamps: equal (or stepped back) arrivals move 1 ms on.
    qint64 pts = (frame.arrivalNs - m_firstNs) / 1'000'000;
    if (pts <= m_lastPtsMs)
        pts = m_lastPtsMs + 1;
    if (pts > m_options.maxDurationMs) {
        m_endReason = QStringLiteral("the clip reached its maximum length (%1 s)").arg(m_options.maxDurationMs / 1000.0);
        return Added::Full;
    }
    if (m_pendingPtsMs >= 0) {
        const qint64 interval = pts - m_pendingPtsMs;
        if (!writePacket(m_pending, m_pendingPtsMs, interval))
            return Added::Failed;
        m_lastIntervalMs = interval;
    }
    m_pending = frame.jpeg;
    m_pendingPtsMs = pts;
    m_lastPtsMs = pts;
    ++m_frames;
    return Added::Written;
}

bool ClipWriter::openMuxer(qint64 wallMs)
{
    const QFileInfo info(m_path);
    if (!QDir().mkpath(info.absolutePath())) {
        fail(QStringLiteral("cannot create the clip folder %1").arg(info.absolutePath()));
        return false;
    }
    if (info.exists()) {
        fail(QStringLiteral("a file named %1 already exists").arg(m_path));
        return false;
    }
    int ret = avformat_alloc_output_context2(&m_ctx, nullptr, "matroska", nullptr);
    if (ret < 0 || !m_ctx) {
        fail(QStringLiteral("libavformat has no Matroska muxer"), ret);
        return false;
    }
    AVStream* stream = avformat_new_stream(m_ctx, nullptr);
    m_packet = av_packet_alloc();
    if (!stream || !m_packet) {
        fail(QStringLiteral("out of memory"));
        return false;
    }
    stream->time_base = kMs;
    stream->codecpar->codec_type = AVMEDIA_TYPE_VIDEO;
    stream->codecpar->codec_id = AV_CODEC_ID_MJPEG;
    stream->codecpar->width = m_size.width();
    stream->codecpar->height = m_size.height();
    if (wallMs > 0) {
        const QByteArray when = QDateTime::fromMSecsSinceEpoch(wallMs, Qt::UTC)
                                    .toString(Qt::ISODateWithMs).toUtf8();
        av_dict_set(&m_ctx->metadata, "creation_time", when.constData(), 0);
    }

    ret = avio_open(&m_ctx->pb, clipav::fileUrl(m_partPath).constData(), AVIO_FLAG_WRITE);
    if (ret < 0) {
        fail(QStringLiteral("cannot create %1").arg(m_partPath), ret);
        return false;
    }
    m_state = State::Open;  // from here on, fail() removes the partial file
    ret = avformat_write_header(m_ctx, nullptr);
    if (ret < 0) {
        fail(QStringLiteral("cannot write the clip header"), ret);
        return false;
    }
    return true;
}

bool ClipWriter::writePacket(const QByteArray& jpeg, qint64 ptsMs, qint64 durationMs)
{
    // Stream copy without a copy: av_write_frame does not keep or modify a packet without a buffer.
    AVStream* stream = m_ctx->streams[0];
    m_packet->data = reinterpret_cast<uint8_t*>(const_cast<char*>(jpeg.constData()));
    m_packet->size = int(jpeg.size());
    m_packet->stream_index = 0;
    m_packet->pts = m_packet->dts = av_rescale_q(ptsMs, kMs, stream->time_base);
    m_packet->duration = av_rescale_q(durationMs, kMs, stream->time_base);
    m_packet->flags = AV_PKT_FLAG_KEY;  // every JPEG stands alone
    int ret = av_write_frame(m_ctx, m_packet);
    av_packet_unref(m_packet);
    if (ret >= 0 && m_ctx->pb->error < 0)
        ret = m_ctx->pb->error;
    if (ret < 0) {
        fail(QStringLiteral("cannot write to %1").arg(m_partPath), ret);
        return false;
    }
    return true;
}

bool ClipWriter::finish()
{
    if (m_state == State::Finished)
        return true;
    if (m_state == State::Failed)
        return false;
    if (m_state == State::Empty) {
        fail(m_skipped > 0 ? QStringLiteral("no readable frame to write (%1 skipped)").arg(m_skipped)
                           : QStringLiteral("no frame to write"));
        return false;
    }
    if (!writePacket(m_pending, m_pendingPtsMs, m_lastIntervalMs > 0 ? m_lastIntervalMs : kLoneFrameMs))
        return false;
    m_pending = {};
    int ret = av_write_trailer(m_ctx);
    if (ret < 0) {
        fail(QStringLiteral("cannot finish %1").arg(m_partPath), ret);
        return false;
    }
    ret = avio_closep(&m_ctx->pb);
    if (ret < 0) {
        fail(QStringLiteral("cannot close %1").arg(m_partPath), ret);
        return false;
    }
    closeMuxer();
    // On disk before it is announced: a clip listed after a power cut must not be empty.
    if (const int fd = ::open(QFile::encodeName(m_partPath).constData(), O_RDONLY | O_CLOEXEC); fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
    // Atomic, and never replaces a file of the same name (Qt renames with RENAME_NOREPLACE).
    QFile part(m_partPath);
    if (!part.rename(m_path)) {
        m_state = State::Open;
        fail(QStringLiteral("cannot rename %1 to %2: %3").arg(m_partPath, m_path, part.errorString()));
        return false;
    }
    m_state = State::Finished;
    return true;
}

void ClipWriter::abort()
{
    if (m_state == State::Finished || m_state == State::Failed)
        return;
    const bool created = m_state == State::Open;
    closeMuxer();
    if (created)
        QFile::remove(m_partPath);
    m_state = State::Failed;
    if (m_error.isEmpty())
        m_error = QStringLiteral("clip abandoned");
}

void ClipWriter::fail(const QString& what, int averror)
{
    m_error = averror < 0 ? QStringLiteral("%1: %2").arg(what, clipav::errorText(averror)) : what;
    const bool created = m_state == State::Open;
    closeMuxer();
    if (created)
        QFile::remove(m_partPath);
    m_state = State::Failed;
    m_pending = {};
}

void ClipWriter::closeMuxer()
{
    if (!m_ctx)
        return;
    if (m_ctx->pb)
        avio_closep(&m_ctx->pb);
    avformat_free_context(m_ctx);
    m_ctx = nullptr;
}

int ClipWriter::removeStaleParts(const QString& folder)
{
    QDir dir(folder);
    int removed = 0;
    for (const QString& name : dir.entryList({QStringLiteral("*.mkv.part")}, QDir::Files | QDir::Hidden))
        removed += dir.remove(name) ? 1 : 0;
    return removed;
}

} // namespace vigil
