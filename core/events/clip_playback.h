#pragma once
// Headless playback of an event clip for the in-app player: which frame is on screen, decoded with
// the app's JpegDecoder, and when the next one is due. Playback follows the clip's frame times on a
// monotonic clock; each tick shows the frame due now, so a slow decode skips frames (latest wins)
// instead of queuing them. Everything runs on the owner's thread (the GUI's): one decode at a time.
//
// ClipTrack maps an event's track (epoch seconds, source pixels) onto the clip's own times.
#include <QElapsedTimer>
#include <QImage>
#include <QList>
#include <QObject>
#include <QRectF>
#include <QTimer>
#include <functional>
#include <optional>

#include "events/clip_reader.h"
#include "events/event.h"
#include "processing/jpeg_codec.h"

namespace vigil {

// A span of clip time (ms from the first frame) in which the tracked object is shown.
struct ClipRange {
    qint64 startMs = 0;
    qint64 endMs = 0;
    bool operator==(const ClipRange&) const = default;
};

class ClipTrack {
public:
    // Points further apart than this are not interpolated between (the object was lost), unless
    // the whole track is sparser (the store thins long tracks evenly): see the constructor.
    static constexpr double kMaxGapS = 1.0;

    ClipTrack() = default;
    // `clipStartWallMs`: wall time of the clip's first frame. `toleranceMs`: how far before the
    // first / after the last point of a run its box still shows (half a frame: the nearest frame).
    ClipTrack(const QList<EventTrackPoint>& track, qint64 clipStartWallMs, qint64 toleranceMs);

    bool isEmpty() const { return m_points.isEmpty(); }
    // The object's box (source pixels) at clip time `ms`: interpolated within a run, none outside.
    std::optional<QRectF> boxAt(qint64 ms) const;
    // The score of the point nearest `ms` (0 when empty).
    double scoreAt(qint64 ms) const;
    // The runs of the track in clip time; a lone point is a range of zero length.
    QList<ClipRange> ranges() const;

private:
    struct Point {
        double ms;
        QRectF box;
        double score;
    };
    QList<Point> m_points;        // by time
    double m_maxGapMs = kMaxGapS * 1000;
    double m_toleranceMs = 0;
};

class ClipPlayback : public QObject {
    Q_OBJECT
public:
    using Clock = std::function<qint64()>;   // monotonic milliseconds

    explicit ClipPlayback(ClipReaderLimits limits = {}, QObject* parent = nullptr);
    ~ClipPlayback() override;

    // Indexes the clip and shows its first frame. False with error() when it cannot be played at all;
    // a clip damaged part-way opens with warning() set.
    bool open(const QString& path);
    void close();
    bool isOpen() const { return m_reader.isOpen(); }
    QString path() const { return m_path; }
    QString error() const { return m_error; }
    QString warning() const { return m_reader.warning(); }
    // Why the frame on screen could not be read or decoded; empty when it shows fine.
    QString frameError() const { return m_frameError; }

    int frameCount() const { return m_reader.frameCount(); }
    qint64 durationMs() const { return m_reader.durationMs(); }
    QSize frameSize() const { return m_reader.size(); }
    qint64 startWallMs() const { return m_reader.startWallMs(); }
    const QVector<qint64>& framePts() const { return m_reader.framePts(); }
    int frameAt(qint64 ms) const { return m_reader.frameAt(ms); }
    // Typical time between frames (median), for tolerances; 0 with fewer than two frames.
    qint64 frameIntervalMs() const { return m_intervalMs; }

    int currentFrame() const { return m_current; }   // -1 when nothing is shown
    qint64 positionMs() const;                       // the shown frame's time
    QImage currentImage() const { return m_image; }
    bool isPlaying() const { return m_playing; }
    double speed() const { return m_speed; }

    // Frames are DCT-scaled to cover their fit in this (the view's size in device pixels), so a
    // small view decodes less; empty: full size.
    void setDecodeSize(QSize viewSize);
    // Replaces the clock (tests drive playback with their own); the default is a QElapsedTimer.
    void setClock(Clock clock);

    struct Stats {
        int decoded = 0;          // frames decoded and shown
        int skipped = 0;          // frames passed over in playback because they were due already
        int decodeErrors = 0;
    };
    Stats stats() const { return m_stats; }

public slots:
    void play();                  // from the start again when at the end
    void pause();
    void togglePlay();
    void setSpeed(double speed);  // 0.1 .. 16
    bool stepForward();
    bool stepBack();
    bool seekToFrame(int index);
    bool seekToMs(qint64 ms);
    // Shows the frame due now and schedules the next one (the timer calls it; tests may too).
    void tick();

signals:
    void frameChanged(int index, qint64 ptsMs);
    void playingChanged(bool playing);
    void finished();              // played to the end of the clip

private:
    bool showFrame(int index);
    void decodeCurrent();
    QSize decodeTarget(QSize viewSize) const;
    double mediaNowMs() const;
    void anchor(double mediaMs);
    void schedule();
    void setPlaying(bool playing);

    ClipReader m_reader;
    JpegDecoder m_decoder;
    ClipReaderLimits m_limits;
    QString m_path;
    QString m_error;
    QString m_frameError;
    QByteArray m_jpeg;            // the shown frame's bytes, kept to re-decode at another size
    QImage m_image;
    int m_current = -1;
    qint64 m_intervalMs = 0;
    QSize m_viewSize;
    bool m_playing = false;
    double m_speed = 1.0;
    QElapsedTimer m_elapsed;
    Clock m_clock;
    double m_anchorMediaMs = 0;   // clip time at m_anchorClockMs
    qint64 m_anchorClockMs = 0;
    QTimer m_timer;
    Stats m_stats;
};

} // namespace vigil
