#pragma once
// Reads an event clip (Motion-JPEG in Matroska) for playback: its frames' JPEG bytes and times,
// in order or from any frame. open() indexes every frame (one pass, no decoding), so seeking is
// frame-accurate (every MJPEG frame is a key frame). A missing, foreign, truncated or garbage file
// gives an error() or a warning(), never a crash. One reader per thread.
#include <QByteArray>
#include <QSize>
#include <QString>
#include <QVector>

#include "processing/jpeg_codec.h"

struct AVFormatContext;
struct AVPacket;

namespace vigil {

struct ClipPacket {
    QByteArray jpeg;
    qint64 ptsMs = 0;             // from the clip's first frame
    int index = -1;               // frame number, 0-based
};

// Refuses absurd files before anything large is allocated.
struct ClipReaderLimits {
    qint64 maxFileBytes = 8LL * 1024 * 1024 * 1024;
    int maxFrames = 60 * 60 * 60;                     // an hour at 60 fps (clips are 10 min at most)
    qint64 maxPacketBytes = 32LL * 1024 * 1024;
    QSize maxFrameSize = JpegDecoder::kDefaultMaxSize;
};

class ClipReader {
public:
    explicit ClipReader(ClipReaderLimits limits = {});
    ~ClipReader();
    ClipReader(const ClipReader&) = delete;
    ClipReader& operator=(const ClipReader&) = delete;

    // False with error() when the file is missing, not an MJPEG Matroska clip, or has no frame.
    // A clip damaged part-way opens with the frames before the damage, and says so in warning().
    bool open(const QString& path);
    void close();
    bool isOpen() const { return m_ctx != nullptr; }
    QString error() const { return m_error; }
    QString warning() const { return m_warning; }

    // Wall time (ms since epoch) of the first frame, from the clip's creation_time; 0 when the
    // clip has none (the writer leaves it out when it knows no wall time).
    qint64 startWallMs() const { return m_startWallMs; }
    int frameCount() const { return int(m_pts.size()); }
    qint64 durationMs() const { return m_durationMs; }
    QSize size() const { return m_size; }
    const QVector<qint64>& framePts() const { return m_pts; }
    // The frame on screen at `ms`: the last one whose time is <= ms (0 before the first).
    int frameAt(qint64 ms) const;

    // The next frame in order; false at the end (error() empty) or on a read error (error() says).
    bool read(ClipPacket* out);
    // The next read() returns frame `index` / the frame on screen at `ms`.
    bool seekToFrame(int index);
    bool seek(qint64 ms) { return seekToFrame(frameAt(ms)); }
    int position() const { return m_next; }   // index of the frame the next read() returns
    bool atEnd() const { return m_next >= frameCount(); }

private:
    bool fail(const QString& what, int averror = 0);
    bool buildIndex();
    bool seekStream(qint64 ptsMs);
    qint64 packetPtsMs(const AVPacket* packet) const;
    qint64 creationTimeMs() const;

    ClipReaderLimits m_limits;
    QString m_path;
    AVFormatContext* m_ctx = nullptr;
    AVPacket* m_packet = nullptr;
    int m_stream = -1;
    QVector<qint64> m_pts;
    qint64 m_startPts = 0;        // the stream's first timestamp (ms), subtracted from all
    qint64 m_durationMs = 0;
    qint64 m_startWallMs = 0;
    QSize m_size;
    int m_next = 0;
    QString m_error;
    QString m_warning;
};

} // namespace vigil
