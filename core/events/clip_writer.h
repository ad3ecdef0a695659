#pragma once
// Writes one event clip: the camera's JPEGs stream-copied (never re-encoded) as Motion-JPEG in
// Matroska, timestamps from arrival times. Written to "<path>.part" and renamed to <path> only
// once complete, so a half-written clip is never seen under its final name; any failure removes
// the partial file. Not thread-safe: one writer is used by one thread (the recorder's).
//
// A frame of another size than the first (the camera switched resolution) ends the clip there:
// most players handle a size change in MJPEG, but not all, and a clip of one size is always
// playable. The caller may start a new clip for the rest.
#include <QByteArray>
#include <QSize>
#include <QString>

#include "events/clip_ring.h"
#include "processing/jpeg_codec.h"

struct AVFormatContext;
struct AVPacket;

namespace vigil {

struct ClipWriterOptions {
    qint64 maxDurationMs = 10 * 60 * 1000;       // a frame later than this after the first ends the clip
    QSize maxFrameSize = JpegDecoder::kDefaultMaxSize;
};

class ClipWriter {
public:
    enum class Added {
        Written,   // in the clip
        Skipped,   // not a readable JPEG: left out, counted in skippedFrames()
        Full,      // not in the clip, and the clip takes no more (max duration, size change): finish()
        Failed,    // the clip failed (see error()); the partial file is already gone
    };

    // `path` is the final file (e.g. ".../<event id>.mkv"); its folder is created when missing.
    explicit ClipWriter(QString path, ClipWriterOptions options = {});
    ~ClipWriter();                // an unfinished clip is abandoned: its partial file is removed
    ClipWriter(const ClipWriter&) = delete;
    ClipWriter& operator=(const ClipWriter&) = delete;

    // The file is created at the first readable frame (its JPEG header gives the size).
    Added add(const ClipFrame& frame);
    // Writes the trailer, closes, renames "<path>.part" to <path>. False (file removed) on failure,
    // also when no frame was written.
    bool finish();
    // Gives up: removes the partial file.
    void abort();

    QString path() const { return m_path; }
    QString partPath() const { return m_partPath; }
    QString error() const { return m_error; }
    QString endReason() const { return m_endReason; }   // why add() said Full; empty otherwise
    int frames() const { return m_frames; }
    int skippedFrames() const { return m_skipped; }
    QSize size() const { return m_size; }
    qint64 firstArrivalNs() const { return m_firstNs; }
    qint64 firstWallMs() const { return m_firstWallMs; }
    // The clip's length as written to the file: last timestamp plus the last frame's duration.
    qint64 durationMs() const;
    bool failed() const { return m_state == State::Failed; }

    static QString partPathFor(const QString& path) { return path + QStringLiteral(".part"); }
    // Removes "*.mkv.part" files left in `folder` by a process that died while writing. Only call
    // it when nothing is writing clips there. Returns how many were removed.
    static int removeStaleParts(const QString& folder);

private:
    enum class State { Empty, Open, Finished, Failed };
    bool openMuxer(qint64 wallMs);
    bool writePacket(const QByteArray& jpeg, qint64 ptsMs, qint64 durationMs);
    void fail(const QString& what, int averror = 0);
    void closeMuxer();

    QString m_path;
    QString m_partPath;
    ClipWriterOptions m_options;
    JpegDecoder m_decoder;
    AVFormatContext* m_ctx = nullptr;
    AVPacket* m_packet = nullptr;
    State m_state = State::Empty;
    QString m_error;
    QString m_endReason;
    QSize m_size;
    qint64 m_firstNs = 0;
    qint64 m_firstWallMs = 0;
    qint64 m_lastPtsMs = -1;
    // The newest frame waits until the next one arrives, so each packet carries its real duration.
    QByteArray m_pending;
    qint64 m_pendingPtsMs = -1;
    qint64 m_lastIntervalMs = 0;
    int m_frames = 0;
    int m_skipped = 0;
};

} // namespace vigil
