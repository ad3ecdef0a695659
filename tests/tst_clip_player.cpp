// The in-app clip player: opening, frame steps, seeking, timed playback, the tracked object's box,
// the seek bar's detections, and clips that are missing or damaged. Runs offscreen.
#include <QCheckBox>
#include <QComboBox>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QToolButton>
#include <QtTest>

#include <opencv2/core.hpp>

#include "clip_player.h"
#include "clip_player_window.h"
#include "events/clip_playback.h"
#include "events/clip_writer.h"
#include "processing/jpeg_codec.h"
#include "seek_bar.h"

using namespace vigil;

namespace {

constexpr int kFrames = 90;
constexpr int kFps = 30;
constexpr qint64 kBaseWallMs = 1'700'000'000'000;
const QSize kSize(640, 480);

qint64 arrivalNs(int n)
{
    return qint64(n) * 1'000'000'000LL / kFps;
}

qint64 wallMsOf(int n)
{
    return kBaseWallMs + arrivalNs(n) / 1'000'000;
}

// Frame n is one flat colour: red counts units, green tens, 25 apart, which JPEG and scaling keep.
// Blue stays 0, far from the box colour.
QByteArray jpegFor(int n, bool noisy = false)
{
    static QHash<QPair<int, bool>, QByteArray> cache;
    const auto key = qMakePair(n, noisy);
    if (const auto it = cache.constFind(key); it != cache.constEnd())
        return *it;
    cv::Mat img(kSize.height(), kSize.width(), CV_8UC3, cv::Scalar(0, (n / 10 % 10) * 25, (n % 10) * 25));
    if (noisy) {   // a camera's frame size, for timing (flat colour compresses to nothing)
        cv::Mat noise(img.size(), CV_8UC3);
        cv::RNG(quint64(n) + 1).fill(noise, cv::RNG::UNIFORM, 0, 40);
        cv::add(img, noise, img);
    }
    JpegEncoder encoder;
    const QByteArray jpeg = encoder.encodeBgr(img, 85);
    cache.insert(key, jpeg);
    return jpeg;
}

int frameNumberOf(const QColor& c)
{
    return qRound(c.green() / 25.0) * 10 + qRound(c.red() / 25.0);
}

int frameNumberOf(const QImage& image)
{
    return image.isNull() ? -1 : frameNumberOf(image.pixelColor(image.width() / 2, image.height() / 2));
}

bool writeClip(const QString& path, int frames, bool withWallTime = true, bool noisy = false)
{
    ClipWriter writer(path);
    for (int n = 0; n < frames; ++n) {
        ClipFrame f;
        f.jpeg = jpegFor(noisy ? n % 30 : n, noisy);
        f.arrivalNs = arrivalNs(n);
        f.wallMs = withWallTime ? wallMsOf(n) : 0;
        f.seq = quint64(n) + 1;
        if (writer.add(f) != ClipWriter::Added::Written)
            return false;
    }
    return writer.finish();
}

// Where the tracked person is in frame n: moving right 4 px a frame.
QRectF boxAtFrame(int n)
{
    return QRectF(300 + (n - 30) * 4, 100, 160, 200);
}

// Seen in frames 30..59, one inference every third frame plus the last.
Event trackedEvent()
{
    Event e;
    e.id = QStringLiteral("node-cam1-1700000001000-0");
    e.camera = QStringLiteral("cam1");
    e.cameraName = QStringLiteral("Front yard");
    e.label = QStringLiteral("person");
    e.startTime = wallMsOf(30) / 1000.0;
    e.endTime = wallMsOf(59) / 1000.0;
    for (int n = 30; n <= 59; n += (n == 57 ? 2 : 3))
        e.track.append({wallMsOf(n) / 1000.0, boxAtFrame(n), 0.8});
    e.box = boxAtFrame(45);
    e.topScore = 0.8;
    e.hasClip = true;
    return e;
}

// Widget pixels of a point given in source pixels.
QPoint toView(const ClipPlayer& player, QPointF source)
{
    const QRectF r = player.frameRect();
    return QPointF(r.left() + source.x() * r.width() / kSize.width(),
                   r.top() + source.y() * r.height() / kSize.height()).toPoint();
}

bool near(const QColor& a, const QColor& b, int tolerance = 30)
{
    return qAbs(a.red() - b.red()) <= tolerance && qAbs(a.green() - b.green()) <= tolerance
        && qAbs(a.blue() - b.blue()) <= tolerance;
}

QString describe(const QColor& c)
{
    return QStringLiteral("(%1, %2, %3)").arg(c.red()).arg(c.green()).arg(c.blue());
}

// A clock the test moves by hand.
struct ManualClock {
    qint64 ms = 0;
    ClipPlayback::Clock clock() { return [this] { return ms; }; }
};

} // namespace

class TestClipPlayer : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_clip;

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_clip = m_dir.filePath(QStringLiteral("event.mkv"));
        QVERIFY(writeClip(m_clip, kFrames));
    }

    void formatsTimes()
    {
        QCOMPARE(ClipPlayer::formatTime(0), QStringLiteral("00:00.000"));
        QCOMPARE(ClipPlayer::formatTime(61'234), QStringLiteral("01:01.234"));
        QCOMPARE(ClipPlayer::formatTime(3'725'007), QStringLiteral("62:05.007"));
    }

    void opensWithCountDurationAndStart()
    {
        ClipPlayer player;
        QVERIFY(player.open(m_clip, trackedEvent()));
        ClipPlayback* pb = player.playback();
        QCOMPARE(pb->frameCount(), kFrames);
        QVERIFY2(qAbs(pb->durationMs() - 3000) <= 34, qPrintable(QString::number(pb->durationMs())));
        QCOMPARE(pb->frameSize(), kSize);
        QCOMPARE(player.clipStartWallMs(), kBaseWallMs);   // from creation_time
        QVERIFY(!player.timingEstimated());
        QCOMPARE(pb->currentFrame(), 0);
        QCOMPARE(frameNumberOf(pb->currentImage()), 0);
        QVERIFY(player.message().isEmpty());
        QVERIFY(player.banner().isEmpty());
        QCOMPARE(player.findChild<QLabel*>("frameLabel")->text(), QStringLiteral("Frame 1 / 90"));
        QCOMPARE(player.findChild<QLabel*>("timeLabel")->text(),
                 QStringLiteral("00:00.000 / %1").arg(ClipPlayer::formatTime(pb->durationMs())));
        QVERIFY(player.findChild<QToolButton*>("playButton")->isEnabled());
        QVERIFY(!player.findChild<QToolButton*>("stepBackButton")->isEnabled());   // at the first frame
    }

    void stepsFramesWithKeysAndButtons()
    {
        ClipPlayer player;
        player.resize(700, 600);
        player.show();
        QVERIFY(QTest::qWaitForWindowExposed(&player));
        QVERIFY(player.open(m_clip, trackedEvent()));
        ClipPlayback* pb = player.playback();
        for (int i = 0; i < 3; ++i)
            QTest::keyClick(&player, Qt::Key_Right);
        QCOMPARE(pb->currentFrame(), 3);
        QCOMPARE(frameNumberOf(pb->currentImage()), 3);
        QTest::keyClick(&player, Qt::Key_Left);
        QCOMPARE(pb->currentFrame(), 2);
        QCOMPARE(frameNumberOf(pb->currentImage()), 2);
        player.findChild<QToolButton*>("stepForwardButton")->click();
        player.findChild<QToolButton*>("stepForwardButton")->click();
        QCOMPARE(pb->currentFrame(), 4);
        QCOMPARE(player.findChild<QLabel*>("frameLabel")->text(), QStringLiteral("Frame 5 / 90"));
        // What is painted, not only what was decoded.
        const QImage shown = player.frameView()->grab().toImage();
        QCOMPARE(frameNumberOf(shown.pixelColor(player.frameRect().center().toPoint())), 4);
        player.findChild<QToolButton*>("stepBackButton")->click();
        QCOMPARE(pb->currentFrame(), 3);
        // The ends hold.
        QVERIFY(pb->seekToFrame(kFrames - 1));
        QVERIFY(!pb->stepForward());
        QCOMPARE(pb->currentFrame(), kFrames - 1);
        QVERIFY(!player.findChild<QToolButton*>("stepForwardButton")->isEnabled());
        QCOMPARE(frameNumberOf(pb->currentImage()), 89);
    }

    void seeksToATime()
    {
        ClipPlayer player;
        player.resize(700, 600);
        player.show();
        QVERIFY(QTest::qWaitForWindowExposed(&player));
        QVERIFY(player.open(m_clip, trackedEvent()));
        ClipPlayback* pb = player.playback();
        QVERIFY(pb->seekToMs(1500));
        QCOMPARE(pb->currentFrame(), 45);
        QCOMPARE(frameNumberOf(pb->currentImage()), 45);
        QVERIFY(pb->seekToMs(1499));   // the frame on screen at that time
        QCOMPARE(pb->currentFrame(), 44);
        QVERIFY(pb->seekToFrame(7));
        QCOMPARE(frameNumberOf(pb->currentImage()), 7);

        // A click on the seek bar goes to the time under it.
        SeekBar* bar = player.seekBar();
        QCOMPARE(bar->durationMs(), pb->durationMs());
        const int x = bar->xAt(2000);
        QTest::mouseClick(bar, Qt::LeftButton, {}, QPoint(x, bar->height() / 2));
        const int expected = pb->frameAt(bar->msAt(x));
        QVERIFY(qAbs(expected - 60) <= 1);
        QTRY_COMPARE(pb->currentFrame(), expected);
        QCOMPARE(frameNumberOf(pb->currentImage()), expected);
        // Dragging: the latest position wins.
        QTest::mousePress(bar, Qt::LeftButton, {}, QPoint(bar->xAt(500), bar->height() / 2));
        QMouseEvent move(QEvent::MouseMove, QPointF(bar->xAt(2500), bar->height() / 2),
                         bar->mapToGlobal(QPointF(bar->xAt(2500), bar->height() / 2)), Qt::NoButton,
                         Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(bar, &move);
        QTest::mouseRelease(bar, Qt::LeftButton, {}, QPoint(bar->xAt(2500), bar->height() / 2));
        QTRY_COMPARE(pb->currentFrame(), pb->frameAt(bar->msAt(bar->xAt(2500))));
        QVERIFY(!pb->isPlaying());
    }

    void playsByTheClipsTimesOnAControlledClock()
    {
        ClipPlayback pb;
        ManualClock clock;
        pb.setClock(clock.clock());
        QVERIFY(pb.open(m_clip));
        QSignalSpy finished(&pb, &ClipPlayback::finished);
        pb.setSpeed(2.0);
        pb.play();
        QVERIFY(pb.isPlaying());
        clock.ms += 250;   // 500 ms of clip at 2x
        pb.tick();
        QCOMPARE(pb.currentFrame(), pb.frameAt(500));
        QCOMPARE(frameNumberOf(pb.currentImage()), 15);
        // At 4x a tick shows only the frame due now: one decode, the rest skipped, no backlog.
        pb.setSpeed(4.0);
        const ClipPlayback::Stats before = pb.stats();
        clock.ms += 200;   // 800 ms of clip
        pb.tick();
        QCOMPARE(pb.currentFrame(), pb.frameAt(1300));
        QCOMPARE(pb.stats().decoded, before.decoded + 1);
        QCOMPARE(pb.stats().skipped, before.skipped + (pb.currentFrame() - 15 - 1));
        // Pausing stops the clock: time passing does not move the frame.
        pb.pause();
        clock.ms += 10'000;
        pb.tick();
        QCOMPARE(pb.currentFrame(), pb.frameAt(1300));
        // To the end: stops on the last frame and says so.
        pb.play();
        clock.ms += 10'000;
        pb.tick();
        QCOMPARE(pb.currentFrame(), kFrames - 1);
        QVERIFY(!pb.isPlaying());
        QCOMPARE(finished.count(), 1);
        // Play again starts over.
        pb.play();
        QCOMPARE(pb.currentFrame(), 0);
        QVERIFY(pb.isPlaying());
    }

    void playsAt2xInRealTime()
    {
        ClipPlayer player;
        player.resize(700, 600);
        player.show();
        QVERIFY(QTest::qWaitForWindowExposed(&player));
        QVERIFY(player.open(m_clip, trackedEvent()));
        ClipPlayback* pb = player.playback();
        QComboBox* speed = player.findChild<QComboBox*>("speedCombo");
        speed->setCurrentIndex(speed->findData(2.0));
        QCOMPARE(pb->speed(), 2.0);
        QSignalSpy finished(pb, &ClipPlayback::finished);
        QElapsedTimer wall;
        wall.start();
        QTest::keyClick(&player, Qt::Key_Space);
        QVERIFY(pb->isPlaying());
        QTest::qWait(500);
        // Never ahead of the clock (2x), and moving (a loaded CI machine may lag a lot).
        const int frame = pb->currentFrame();
        const qint64 ahead = 2 * wall.elapsed();
        QVERIFY2(frame >= 3 && pb->positionMs() <= ahead, qPrintable(QString("frame %1 after %2 ms of clip").arg(frame).arg(ahead)));
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, 15'000);
        const qint64 took = wall.elapsed();
        qInfo("90 frames (3 s) at 2x played in %lld ms: %d decoded, %d skipped", took, pb->stats().decoded,
              pb->stats().skipped);
        QVERIFY2(took >= 1400, qPrintable(QString("%1 ms: faster than 2x").arg(took)));
        QCOMPARE(pb->currentFrame(), kFrames - 1);
        QVERIFY(!pb->isPlaying());
        QCOMPARE(player.findChild<QLabel*>("frameLabel")->text(), QStringLiteral("Frame 90 / 90"));
    }

    void drawsTheBoxWhereTheObjectWasSeen()
    {
        ClipPlayer player;
        player.resize(700, 600);
        player.show();
        QVERIFY(QTest::qWaitForWindowExposed(&player));
        QVERIFY(player.open(m_clip, trackedEvent()));
        QVERIFY(player.showBox());
        ClipPlayback* pb = player.playback();
        for (int n : {30, 31, 45, 58, 59}) {
            QVERIFY(pb->seekToFrame(n));
            QVERIFY2(player.shownBox().has_value(), qPrintable(QString("frame %1").arg(n)));
            // Interpolated between the points around it (31 lies between 30 and 33).
            const QRectF box = *player.shownBox();
            QVERIFY2(qAbs(box.x() - boxAtFrame(n).x()) < 1.5, qPrintable(QString("frame %1: x %2").arg(n).arg(box.x())));
            const QImage shown = player.frameView()->grab().toImage();
            const QPoint edge = toView(player, QPointF(box.left(), box.center().y()));
            QVERIFY2(near(shown.pixelColor(edge), ClipPlayer::boxColour()),
                     qPrintable(QString("frame %1 at %2,%3: %4").arg(n).arg(edge.x()).arg(edge.y()).arg(describe(shown.pixelColor(edge)))));
            // Inside the box the frame itself shows.
            QCOMPARE(frameNumberOf(shown.pixelColor(toView(player, box.center()))), n);
        }
        for (int n : {10, 29, 60, 80}) {
            QVERIFY(pb->seekToFrame(n));
            QVERIFY2(!player.shownBox().has_value(), qPrintable(QString("frame %1").arg(n)));
            const QImage shown = player.frameView()->grab().toImage();
            const QPoint edge = toView(player, QPointF(boxAtFrame(45).left(), boxAtFrame(45).center().y()));
            QVERIFY2(!near(shown.pixelColor(edge), ClipPlayer::boxColour()), qPrintable(QString("frame %1").arg(n)));
            QCOMPARE(frameNumberOf(shown.pixelColor(edge)), n);
        }
        // Off: no box, even where the object was.
        QVERIFY(pb->seekToFrame(45));
        player.findChild<QCheckBox*>("showBoxCheck")->setChecked(false);
        QVERIFY(!player.shownBox().has_value());
        const QImage shown = player.frameView()->grab().toImage();
        const QPoint edge = toView(player, QPointF(boxAtFrame(45).left(), boxAtFrame(45).center().y()));
        QCOMPARE(frameNumberOf(shown.pixelColor(edge)), 45);
    }

    void scalesTheBoxToASmallView()
    {
        ClipPlayer player;
        player.resize(360, 300);
        player.show();
        QVERIFY(QTest::qWaitForWindowExposed(&player));
        QVERIFY(player.open(m_clip, trackedEvent()));
        QVERIFY(player.playback()->seekToFrame(45));
        const QRectF frame = player.frameRect();
        QVERIFY2(frame.width() < kSize.width(), qPrintable(QString::number(frame.width())));
        // Decoded smaller too (DCT scaling), but never below the view.
        const QImage image = player.playback()->currentImage();
        QVERIFY2(image.width() < kSize.width() && image.width() >= frame.width(), qPrintable(QString::number(image.width())));
        const QImage shown = player.frameView()->grab().toImage();
        const QPoint edge = toView(player, QPointF(boxAtFrame(45).left(), boxAtFrame(45).center().y()));
        QVERIFY2(near(shown.pixelColor(edge), ClipPlayer::boxColour()), qPrintable(describe(shown.pixelColor(edge))));
    }

    void seekBarShowsWhereTheObjectWasDetected()
    {
        ClipPlayer player;
        player.resize(700, 600);
        player.show();
        QVERIFY(QTest::qWaitForWindowExposed(&player));
        QVERIFY(player.open(m_clip, trackedEvent()));
        const QList<ClipRange> ranges = player.seekBar()->detectionRanges();
        QCOMPARE(ranges.size(), 1);
        const QVector<qint64>& pts = player.playback()->framePts();
        QVERIFY2(qAbs(ranges[0].startMs - pts[30]) <= 1, qPrintable(QString::number(ranges[0].startMs)));
        QVERIFY2(qAbs(ranges[0].endMs - pts[59]) <= 1, qPrintable(QString::number(ranges[0].endMs)));
        // Painted: shaded over the detection, not elsewhere.
        SeekBar* bar = player.seekBar();
        player.playback()->seekToFrame(85);   // the handle out of the way
        const QImage painted = bar->grab().toImage();
        const int y = bar->height() / 2;
        QVERIFY(near(painted.pixelColor(bar->xAt(1500), y), SeekBar::detectionColour(), 10));
        QVERIFY(!near(painted.pixelColor(bar->xAt(500), y), SeekBar::detectionColour(), 40));
        QVERIFY(!near(painted.pixelColor(bar->xAt(2400), y), SeekBar::detectionColour(), 40));
    }

    void trackWithAGapHasTwoRanges()
    {
        QList<EventTrackPoint> track;
        for (double t : {10.0, 10.2, 10.4, 13.0, 13.2})
            track.append({t, QRectF(0, 0, 10, 10), 0.5});
        track.append({14.0, QRectF(), 0.5});   // an empty box is no sighting
        const ClipTrack clipTrack(track, 9'000, 15);
        const QList<ClipRange> expected{{1000, 1400}, {4000, 4200}};
        QCOMPARE(clipTrack.ranges(), expected);
        QVERIFY(clipTrack.boxAt(1200).has_value());
        QVERIFY(clipTrack.boxAt(1410).has_value());    // within the tolerance of the run's end
        QVERIFY(!clipTrack.boxAt(2500).has_value());   // lost between the runs: no guess
        QVERIFY(!clipTrack.boxAt(900).has_value());
        QVERIFY(!clipTrack.boxAt(4300).has_value());
        // A thinned (evenly sparse) track still interpolates.
        QList<EventTrackPoint> thin;
        for (int i = 0; i < 10; ++i)
            thin.append({10.0 + 2 * i, QRectF(i * 10, 0, 10, 10), 0.5});
        const ClipTrack thinTrack(thin, 10'000, 15);
        QCOMPARE(thinTrack.ranges().size(), 1);
        QCOMPARE(thinTrack.boxAt(3000)->x(), 15.0);
    }

    void withoutCreationTimeTheClipStartsAPreRollBeforeTheEvent()
    {
        const QString path = m_dir.filePath(QStringLiteral("no-wall-time.mkv"));
        QVERIFY(writeClip(path, kFrames, false));
        ClipPlayer player;
        QVERIFY(player.open(path, trackedEvent(), 1000));
        QCOMPARE(player.playback()->startWallMs(), 0);
        QVERIFY(player.timingEstimated());
        // The event starts at frame 30 (1 s in); a 1 s pre-roll puts the clip's start at frame 0.
        QCOMPARE(player.clipStartWallMs(), wallMsOf(30) - 1000);
        const QList<ClipRange> ranges = player.seekBar()->detectionRanges();
        QCOMPARE(ranges.size(), 1);
        QVERIFY(qAbs(ranges[0].startMs - 1000) <= 1);
        QVERIFY(player.playback()->seekToFrame(45));
        QVERIFY(player.shownBox().has_value());
    }

    void aMissingClipSaysSo()
    {
        const QString path = m_dir.filePath(QStringLiteral("gone.mkv"));
        ClipPlayer player;
        player.resize(700, 600);
        player.show();
        QVERIFY(QTest::qWaitForWindowExposed(&player));
        QVERIFY(!player.open(path, trackedEvent()));
        QCOMPARE(player.message(), QStringLiteral("Clip not found: %1").arg(path));
        QVERIFY(!player.findChild<QToolButton*>("playButton")->isEnabled());
        QVERIFY(!player.findChild<QToolButton*>("stepForwardButton")->isEnabled());
        QVERIFY(!player.findChild<QCheckBox*>("showBoxCheck")->isEnabled());
        QVERIFY(!player.seekBar()->isEnabled());
        // Keys and calls do nothing, and nothing breaks.
        QTest::keyClick(&player, Qt::Key_Space);
        QTest::keyClick(&player, Qt::Key_Right);
        player.playback()->play();
        QVERIFY(!player.playback()->isPlaying());
        QVERIFY(!player.playback()->stepForward());
        QTest::mouseClick(player.seekBar(), Qt::LeftButton, {}, QPoint(50, player.seekBar()->height() / 2));
        QVERIFY(!player.frameView()->grab().isNull());
        QCOMPARE(player.findChild<QLabel*>("frameLabel")->text(), QStringLiteral("Frame - / -"));
        // The same player opens a good clip afterwards.
        QVERIFY(player.open(m_clip, trackedEvent()));
        QVERIFY(player.message().isEmpty());
        QVERIFY(player.findChild<QToolButton*>("playButton")->isEnabled());
    }

    void aTruncatedClipPlaysWhatCouldBeRead()
    {
        QFile whole(m_clip);
        QVERIFY(whole.open(QIODevice::ReadOnly));
        const QByteArray bytes = whole.readAll();
        const QString cut = m_dir.filePath(QStringLiteral("cut.mkv"));
        QFile f(cut);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(bytes.left(bytes.size() / 2));
        f.close();

        ClipPlayer player;
        player.resize(700, 600);
        player.show();
        QVERIFY(QTest::qWaitForWindowExposed(&player));
        QVERIFY(player.open(cut, trackedEvent()));
        ClipPlayback* pb = player.playback();
        QVERIFY(pb->frameCount() > 0 && pb->frameCount() < kFrames);
        QString at = ClipPlayer::formatTime(pb->durationMs());
        at.chop(2);
        QCOMPARE(player.banner(), QStringLiteral("The clip is damaged after %1; playing what could be read").arg(at));
        QVERIFY(player.message().isEmpty());
        QVERIFY(player.findChild<QToolButton*>("playButton")->isEnabled());
        // Every readable frame shows, and play runs to the damage and stops there.
        const int last = pb->frameCount() - 1;
        QVERIFY(pb->seekToFrame(last));
        QCOMPARE(frameNumberOf(pb->currentImage()), last);
        QVERIFY(pb->seekToFrame(last - 5));
        pb->setSpeed(4.0);
        QSignalSpy finished(pb, &ClipPlayback::finished);
        pb->play();
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, 10'000);
        QCOMPARE(pb->currentFrame(), last);

        // Cut so short nothing can be read: said in the frame area, controls off.
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(bytes.left(200));
        f.close();
        QVERIFY(!player.open(cut, trackedEvent()));
        QVERIFY2(player.message().startsWith(QStringLiteral("The clip cannot be played: ")), qPrintable(player.message()));
        QVERIFY(!player.findChild<QToolButton*>("playButton")->isEnabled());
        QVERIFY(!player.frameView()->grab().isNull());
    }

    void aFrameThatDoesNotDecodeIsSaid()
    {
        // A JPEG whose header is fine (the writer takes it) but whose data is gone.
        const QString path = m_dir.filePath(QStringLiteral("bad-frame.mkv"));
        {
            ClipWriter writer(path);
            for (int n = 0; n < 10; ++n) {
                ClipFrame f;
                f.jpeg = jpegFor(n, true);
                if (n == 5)
                    f.jpeg = f.jpeg.left(700);
                f.arrivalNs = arrivalNs(n);
                f.wallMs = wallMsOf(n);
                QCOMPARE(writer.add(f), ClipWriter::Added::Written);
            }
            QVERIFY(writer.finish());
        }
        ClipPlayer player;
        QVERIFY(player.open(path, trackedEvent()));
        QVERIFY(player.playback()->seekToFrame(4));
        QVERIFY(player.message().isEmpty());
        player.playback()->stepForward();
        QCOMPARE(player.playback()->currentFrame(), 5);
        // The app's decoder refuses a truncated scan (grey filler): said where the frame would be.
        QVERIFY(player.playback()->currentImage().isNull());
        QVERIFY2(player.message().startsWith(QStringLiteral("frame 6 cannot be decoded")), qPrintable(player.message()));
        QCOMPARE(player.playback()->stats().decodeErrors, 1);
        QVERIFY(!player.frameView()->grab().isNull());
        QVERIFY(player.playback()->stepForward());
        QCOMPARE(player.playback()->currentFrame(), 6);
        QVERIFY(player.message().isEmpty());
    }

    void windowTitleNamesTheEvent()
    {
        ClipPlayerWindow window;
        const Event e = trackedEvent();
        QVERIFY(window.open(m_clip, e));
        const QString start = QDateTime::fromMSecsSinceEpoch(wallMsOf(30)).toLocalTime().toString("yyyy-MM-dd HH:mm:ss");
        QCOMPARE(window.windowTitle(), QStringLiteral("Front yard — person — %1").arg(start));
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.player()->playback()->play();
        window.close();   // closing pauses
        QVERIFY(!window.player()->playback()->isPlaying());
    }

    void opensA30SecondClipQuickly()
    {
        const QString path = m_dir.filePath(QStringLiteral("long.mkv"));
        QVERIFY(writeClip(path, 30 * kFps, true, true));
        ClipPlayerWindow window;
        QElapsedTimer t;
        t.start();
        QVERIFY(window.open(path, trackedEvent()));
        const qint64 openMs = t.elapsed();
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        const qint64 shownMs = t.elapsed();
        ClipPlayback* pb = window.player()->playback();
        QCOMPARE(pb->frameCount(), 30 * kFps);
        t.restart();
        QVERIFY(pb->seekToMs(15'000));
        const qint64 seekMs = t.elapsed();
        qInfo("30 s clip, 640x480 at 30 fps (%lld KB): open %lld ms, shown %lld ms, seek to 15 s %lld ms",
              QFileInfo(path).size() / 1024, openMs, shownMs, seekMs);
        const qint64 budget = qEnvironmentVariableIsSet("VIGIL_SANITIZER") ? 3000 : 1000;
        QVERIFY2(openMs < budget, qPrintable(QString("%1 ms").arg(openMs)));
        QVERIFY2(seekMs < budget / 5, qPrintable(QString("%1 ms").arg(seekMs)));

        // 4x for a second of wall time: frames that fell due while one decoded are passed over,
        // so playback keeps to the clock instead of queuing (every frame shown or skipped, once).
        QVERIFY(pb->seekToFrame(0));
        const ClipPlayback::Stats before = pb->stats();
        pb->setSpeed(4.0);
        t.restart();
        pb->play();
        QTest::qWait(1000);
        pb->pause();
        const qint64 clipMs = 4 * t.elapsed();
        const ClipPlayback::Stats after = pb->stats();
        const int shown = after.decoded - before.decoded, skipped = after.skipped - before.skipped;
        qInfo("4x for %lld ms of clip: frame %d, %d decoded, %d skipped", clipMs, pb->currentFrame(), shown, skipped);
        QCOMPARE(shown + skipped, pb->currentFrame());
        QVERIFY(pb->positionMs() <= clipMs);
        QVERIFY2(pb->positionMs() >= clipMs / 4, qPrintable(QString("%1 ms of %2").arg(pb->positionMs()).arg(clipMs)));
    }
};

QTEST_MAIN(TestClipPlayer)
#include "tst_clip_player.moc"
