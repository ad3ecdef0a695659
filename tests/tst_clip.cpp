// Event clips: the pre-roll ring, the Matroska writer and reader, and the threaded recorder.
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>
#include <csignal>
#include <sys/resource.h>
#include <unistd.h>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "events/clip_reader.h"
#include "events/clip_recorder.h"
#include "events/clip_ring.h"
#include "events/clip_writer.h"
#include "processing/jpeg_codec.h"

using namespace vigil;

namespace {

constexpr qint64 kMs = 1'000'000;

// Frame n of a synthetic camera: its number as the background colour, plus seeded noise so the
// JPEGs have a realistic size (a flat colour compresses to almost nothing).
QByteArray jpegFor(int n, QSize size = {320, 240})
{
    static QHash<QPair<int, int>, QByteArray> cache;  // per (n, width): tests reuse frames
    const auto key = qMakePair(n, size.width());
    if (const auto it = cache.constFind(key); it != cache.constEnd())
        return *it;
    cv::Mat img(size.height(), size.width(), CV_8UC3,
                cv::Scalar((n * 37) % 256, (n * 91) % 256, (n * 13) % 256));
    cv::Mat noise(img.size(), CV_8UC3);
    cv::RNG(quint64(n) + 1).fill(noise, cv::RNG::UNIFORM, 0, 40);
    cv::add(img, noise, img);
    cv::putText(img, std::to_string(n), {10, size.height() / 2}, cv::FONT_HERSHEY_SIMPLEX, 2,
                cv::Scalar(255, 255, 255), 3);
    JpegEncoder enc;
    const QByteArray jpeg = enc.encodeBgr(img, 80);
    cache.insert(key, jpeg);
    return jpeg;
}

ClipFrame frame(int n, qint64 arrivalNs, QSize size = {320, 240})
{
    ClipFrame f;
    f.jpeg = jpegFor(n, size);
    f.arrivalNs = arrivalNs;
    f.wallMs = 1'700'000'000'000 + arrivalNs / kMs;
    f.seq = quint64(n) + 1;
    return f;
}

QStringList files(const QString& dir)
{
    QStringList out = QDir(dir).entryList(QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot);
    out.sort();
    return out;
}

struct ReadBack {
    QString error;
    QString warning;
    QSize size;
    qint64 durationMs = 0;
    QVector<qint64> pts;
    QList<QByteArray> jpegs;
};

ReadBack readClip(const QString& path)
{
    ReadBack out;
    ClipReader reader;
    if (!reader.open(path)) {
        out.error = reader.error();
        return out;
    }
    out.warning = reader.warning();
    out.size = reader.size();
    out.durationMs = reader.durationMs();
    ClipPacket p;
    while (reader.read(&p)) {
        out.pts.append(p.ptsMs);
        out.jpegs.append(p.jpeg);
    }
    if (!reader.error().isEmpty())
        out.error = reader.error();
    return out;
}

// Results arrive queued on the test thread; `context` dies before `results` so that none
// delivered late can reach a dead list.
struct Results {
    QList<ClipResult> complete;
    QList<ClipResult> failed;
    QObject context;
    void watch(ClipRecorder& rec)
    {
        QObject::connect(&rec, &ClipRecorder::clipComplete, &context, [this](const ClipResult& r) { complete.append(r); });
        QObject::connect(&rec, &ClipRecorder::clipFailed, &context, [this](const ClipResult& r) { failed.append(r); });
    }
};

// Options for tests that decide themselves when clips end.
ClipRecorderOptions quietOptions()
{
    ClipRecorderOptions o;
    o.preRollMs = 200;
    o.postRollMs = 200;
    o.idleFinishMs = 60'000;
    return o;
}

// Makes writes past `bytes` fail in this process (EFBIG), like a full disk, while alive.
class FileSizeLimit {
public:
    explicit FileSizeLimit(rlim_t bytes)
    {
        m_oldHandler = std::signal(SIGXFSZ, SIG_IGN);
        getrlimit(RLIMIT_FSIZE, &m_old);
        rlimit limited = m_old;
        limited.rlim_cur = bytes;
        m_ok = setrlimit(RLIMIT_FSIZE, &limited) == 0;
    }
    ~FileSizeLimit()
    {
        setrlimit(RLIMIT_FSIZE, &m_old);
        std::signal(SIGXFSZ, m_oldHandler);
    }
    bool ok() const { return m_ok; }

private:
    rlimit m_old{};
    void (*m_oldHandler)(int) = nullptr;
    bool m_ok = false;
};

} // namespace

class TestClip : public QObject {
    Q_OBJECT

private slots:
    // --- ring ---

    void ringKeepsThePreRollSeconds()
    {
        ClipRing ring({200 * kMs, 1LL << 30});
        for (int i = 0; i < 20; ++i)
            ring.push(frame(i, i * 40 * kMs));
        // Newest at 760 ms: 560..760 ms is frames 14..19.
        QCOMPARE(ring.count(), 6);
        const QVector<ClipFrame> all = ring.framesSince(0);
        QCOMPARE(all.first().seq, quint64(15));
        QCOMPARE(all.last().seq, quint64(20));
        QCOMPARE(ring.framesSince(680 * kMs).size(), 3);      // 680, 720, 760
        QCOMPARE(ring.framesSince(681 * kMs).size(), 2);
        QVERIFY(ring.framesSince(761 * kMs).isEmpty());
        QCOMPARE(ring.droppedForBytes(), quint64(0));         // age is not a loss
    }

    void ringKeepsItsByteBound()
    {
        const qint64 size = jpegFor(0).size();
        ClipRing ring({10'000 * kMs, size * 3 + size / 2});
        qint64 expectedBytes = 0;
        for (int i = 0; i < 10; ++i)
            ring.push(frame(0, i * 40 * kMs));
        for (const ClipFrame& f : ring.framesSince(0))
            expectedBytes += f.jpeg.size();
        QCOMPARE(ring.count(), 3);
        QCOMPARE(ring.bytes(), expectedBytes);
        QVERIFY(ring.bytes() <= ring.limits().maxBytes);
        QCOMPARE(ring.droppedForBytes(), quint64(7));
        QCOMPARE(ring.framesSince(0).last().arrivalNs, 9 * 40 * kMs);  // the newest are kept

        // A frame larger than the whole bound is not kept either.
        ClipRing tiny({10'000 * kMs, 100});
        tiny.push(frame(1, 0));
        QCOMPARE(tiny.count(), 0);
        QCOMPARE(tiny.bytes(), qint64(0));
        QCOMPARE(tiny.droppedForBytes(), quint64(1));
    }

    void ringSharesTheBytes()
    {
        ClipRing ring;
        QList<QByteArray> originals;
        for (int i = 0; i < 5; ++i) {
            const ClipFrame f = frame(i, i * 33 * kMs);
            originals.append(f.jpeg);
            ring.push(f);
        }
        const QVector<ClipFrame> out = ring.framesSince(0);
        QCOMPARE(out.size(), 5);
        for (int i = 0; i < 5; ++i) {
            QVERIFY(out[i].jpeg.isSharedWith(originals[i]));
            QCOMPARE(out[i].jpeg.constData(), originals[i].constData());
        }
    }

    void ringFromEncodedFrame()
    {
        EncodedFrame e;
        e.jpeg = jpegFor(3);
        e.seq = 42;
        e.receivedNs = nowNs() - 1000 * kMs;
        const qint64 before = QDateTime::currentMSecsSinceEpoch();
        const ClipFrame f = ClipFrame::fromEncoded(e);
        QVERIFY(f.jpeg.isSharedWith(e.jpeg));
        QCOMPARE(f.seq, quint64(42));
        QCOMPARE(f.arrivalNs, e.receivedNs);
        // Wall time of the arrival, a second ago.
        QVERIFY(qAbs(before - 1000 - f.wallMs) < 100);
    }

    // --- writer + reader ---

    void writtenClipReadsBackExactly()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("evt1.mkv");
        // Uneven arrivals, two equal ones (the second moves 1 ms on) and sub-millisecond parts.
        const QList<qint64> gapsMs = {0, 33, 50, 17, 100, 33, 0, 66, 40, 250, 34, 33, 33, 80, 20};
        const qint64 base = 123'456'789'000;
        ClipWriter w(path);
        QVector<qint64> expectedPts;
        qint64 t = 0, last = -1;
        for (int i = 0; i < gapsMs.size(); ++i) {
            t += gapsMs[i];
            QCOMPARE(w.add(frame(i, base + t * kMs + 400'000)), ClipWriter::Added::Written);
            const qint64 pts = t > last ? t : last + 1;
            expectedPts.append(pts);
            last = pts;
            // Written as .part until finished.
            QVERIFY(!QFile::exists(path));
            QVERIFY(QFile::exists(w.partPath()));
        }
        QVERIFY2(w.finish(), qPrintable(w.error()));
        QCOMPARE(files(dir.path()), QStringList{"evt1.mkv"});
        QCOMPARE(w.frames(), gapsMs.size());

        const ReadBack r = readClip(path);
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        QVERIFY2(r.warning.isEmpty(), qPrintable(r.warning));
        QCOMPARE(r.size, QSize(320, 240));
        QCOMPARE(r.pts, expectedPts);
        QCOMPARE(r.jpegs.size(), gapsMs.size());
        for (int i = 0; i < gapsMs.size(); ++i)
            QVERIFY2(r.jpegs[i] == jpegFor(i), qPrintable(QString("frame %1 differs").arg(i)));
        // Fed: first to last arrival; the file adds the last frame's own duration (one frame).
        const qint64 fed = expectedPts.last();
        QVERIFY2(r.durationMs >= fed && r.durationMs <= fed + 20, qPrintable(QString::number(r.durationMs)));
        QCOMPARE(w.durationMs(), r.durationMs);
    }

    void resolutionChangeEndsTheClip()
    {
        QTemporaryDir dir;
        ClipWriter w(dir.filePath("c.mkv"));
        for (int i = 0; i < 5; ++i)
            QCOMPARE(w.add(frame(i, i * 40 * kMs)), ClipWriter::Added::Written);
        QCOMPARE(w.add(frame(5, 200 * kMs, {160, 120})), ClipWriter::Added::Full);
        QVERIFY(w.endReason().contains("resolution"));
        QCOMPARE(w.add(frame(6, 240 * kMs)), ClipWriter::Added::Full);   // stays ended
        QVERIFY(w.finish());
        const ReadBack r = readClip(dir.filePath("c.mkv"));
        QCOMPARE(r.pts.size(), 5);
        QCOMPARE(r.size, QSize(320, 240));
    }

    void writerStopsAtMaxDuration()
    {
        QTemporaryDir dir;
        ClipWriterOptions o;
        o.maxDurationMs = 1000;
        ClipWriter w(dir.filePath("m.mkv"), o);
        int written = 0;
        ClipWriter::Added a = ClipWriter::Added::Written;
        for (int i = 0; i < 60 && a == ClipWriter::Added::Written; ++i)
            if ((a = w.add(frame(i, i * 40 * kMs))) == ClipWriter::Added::Written)
                ++written;
        QCOMPARE(a, ClipWriter::Added::Full);
        QCOMPARE(written, 26);     // 0 .. 1000 ms
        QVERIFY(w.endReason().contains("maximum"));
        QVERIFY(w.finish());
        QCOMPARE(readClip(dir.filePath("m.mkv")).pts.last(), qint64(1000));
    }

    void writerSkipsWhatIsNotAJpeg()
    {
        QTemporaryDir dir;
        ClipWriter w(dir.filePath("s.mkv"));
        ClipFrame junk = frame(0, 0);
        junk.jpeg = QByteArray("not a jpeg at all");
        QCOMPARE(w.add(junk), ClipWriter::Added::Skipped);
        QVERIFY(files(dir.path()).isEmpty());                  // nothing opened for it
        QCOMPARE(w.add(frame(1, 40 * kMs)), ClipWriter::Added::Written);
        junk.arrivalNs = 80 * kMs;
        QCOMPARE(w.add(junk), ClipWriter::Added::Skipped);
        QCOMPARE(w.add(frame(2, 120 * kMs)), ClipWriter::Added::Written);
        QVERIFY(w.finish());
        QCOMPARE(w.skippedFrames(), 2);
        const ReadBack r = readClip(dir.filePath("s.mkv"));
        QCOMPARE(r.pts, (QVector<qint64>{0, 80}));
        QCOMPARE(r.jpegs.last(), jpegFor(2));
    }

    void writerWithoutFramesWritesNothing()
    {
        QTemporaryDir dir;
        ClipWriter w(dir.filePath("e.mkv"));
        QVERIFY(!w.finish());
        QVERIFY(!w.error().isEmpty());
        QVERIFY(files(dir.path()).isEmpty());
    }

    void writerBadPathFailsCleanly()
    {
        QTemporaryDir dir;
        QFile blocker(dir.filePath("blocker"));
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.close();
        ClipWriter w(dir.filePath("blocker/clips/x.mkv"));
        QCOMPARE(w.add(frame(0, 0)), ClipWriter::Added::Failed);
        QVERIFY(w.error().contains("folder"));
        QVERIFY(!w.finish());
        QCOMPARE(files(dir.path()), QStringList{"blocker"});

        // An existing clip is never replaced.
        QFile existing(dir.filePath("y.mkv"));
        QVERIFY(existing.open(QIODevice::WriteOnly));
        existing.write("keep");
        existing.close();
        ClipWriter w2(dir.filePath("y.mkv"));
        QCOMPARE(w2.add(frame(0, 0)), ClipWriter::Added::Failed);
        QVERIFY(w2.error().contains("exists"));
        QCOMPARE(files(dir.path()), (QStringList{"blocker", "y.mkv"}));
    }

    void writerDiskFullRemovesThePart()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("full.mkv");
        ClipWriter w(path);
        ClipWriter::Added a = ClipWriter::Added::Written;
        {
            FileSizeLimit limit(64 * 1024);
            QVERIFY(limit.ok());
            for (int i = 0; i < 100 && a == ClipWriter::Added::Written; ++i)
                a = w.add(frame(i, i * 40 * kMs));
            if (a == ClipWriter::Added::Written)
                QVERIFY(!w.finish());
        }
        QVERIFY2(w.error().contains("too large"), qPrintable(w.error()));
        QVERIFY(files(dir.path()).isEmpty());
    }

    void abandonedWriterRemovesThePart()
    {
        QTemporaryDir dir;
        {
            ClipWriter w(dir.filePath("a.mkv"));
            QCOMPARE(w.add(frame(0, 0)), ClipWriter::Added::Written);
            QCOMPARE(files(dir.path()), QStringList{"a.mkv.part"});
        }
        QVERIFY(files(dir.path()).isEmpty());

        QFile stale(dir.filePath("old.mkv.part"));
        QVERIFY(stale.open(QIODevice::WriteOnly));
        stale.close();
        QCOMPARE(ClipWriter::removeStaleParts(dir.path()), 1);
        QVERIFY(files(dir.path()).isEmpty());
    }

    // --- reader ---

    void readerSeeksFrameAccurately()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("seek.mkv");
        ClipWriter w(path);
        for (int i = 0; i < 50; ++i)
            w.add(frame(i, i * 40 * kMs));
        QVERIFY(w.finish());

        ClipReader r;
        QVERIFY2(r.open(path), qPrintable(r.error()));
        QCOMPARE(r.frameCount(), 50);
        QCOMPARE(r.frameAt(1000), 25);
        QCOMPARE(r.frameAt(1039), 25);
        QCOMPARE(r.frameAt(-5), 0);
        QCOMPARE(r.frameAt(99'999), 49);
        ClipPacket p;
        for (const int target : {30, 7, 7, 49, 0, 26}) {
            QVERIFY(r.seekToFrame(target));
            QVERIFY(r.read(&p));
            QCOMPARE(p.index, target);
            QCOMPARE(p.ptsMs, qint64(target) * 40);
            QCOMPARE(p.jpeg, jpegFor(target));
        }
        // Frame step from there.
        QVERIFY(r.read(&p));
        QCOMPARE(p.index, 27);
        QVERIFY(r.seek(1210));       // on screen at 1.21 s: frame 30
        QVERIFY(r.read(&p));
        QCOMPARE(p.index, 30);
        QVERIFY(r.seekToFrame(49));
        QVERIFY(r.read(&p));
        QVERIFY(!r.read(&p));        // the end, not an error
        QVERIFY(r.atEnd());
        QVERIFY(r.error().isEmpty());
    }

    void readerReportsAMissingFile()
    {
        ClipReader r;
        QVERIFY(!r.open("/nonexistent/vigil/clip.mkv"));
        QVERIFY(r.error().contains("missing"));
        QVERIFY(!r.isOpen());
        ClipPacket p;
        QVERIFY(!r.read(&p));
        QVERIFY(!r.seekToFrame(0));
    }

    void readerReportsGarbage()
    {
        QTemporaryDir dir;
        auto writeFile = [&](const QString& name, const QByteArray& bytes) {
            QFile f(dir.filePath(name));
            f.open(QIODevice::WriteOnly);
            f.write(bytes);
            return f.fileName();
        };
        QByteArray noise(200'000, '\0');
        cv::Mat m(1, noise.size(), CV_8U, noise.data());
        cv::RNG(3).fill(m, cv::RNG::UNIFORM, 0, 256);
        const QByteArray ebmlThenNoise = QByteArray::fromHex("1a45dfa3") + noise;
        for (const auto& [name, bytes] : {std::pair<QString, QByteArray>{"noise.mkv", noise},
                                          {"ebml.mkv", ebmlThenNoise},
                                          {"empty.mkv", QByteArray()},
                                          {"jpeg.mkv", jpegFor(1)}}) {
            ClipReader r;
            QVERIFY2(!r.open(writeFile(name, bytes)), qPrintable(name));
            QVERIFY2(!r.error().isEmpty(), qPrintable(name));
        }
        ClipReader r;
        QVERIFY(!r.open(dir.path()));                 // a folder
        QVERIFY(r.error().contains("not a file"));

        ClipReaderLimits small;
        small.maxFileBytes = 1000;
        ClipReader limited(small);
        QVERIFY(!limited.open(writeFile("big.mkv", noise)));
        QVERIFY(limited.error().contains("too large"));
    }

    void readerReportsATruncatedClip()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("whole.mkv");
        ClipWriter w(path);
        for (int i = 0; i < 40; ++i)
            w.add(frame(i, i * 40 * kMs));
        QVERIFY(w.finish());
        QFile whole(path);
        QVERIFY(whole.open(QIODevice::ReadOnly));
        const QByteArray bytes = whole.readAll();
        for (const double part : {0.5, 0.9, 0.01}) {
            const QString cut = dir.filePath(QString("cut%1.mkv").arg(part));
            QFile f(cut);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(bytes.left(qsizetype(bytes.size() * part)));
            f.close();
            ClipReader r;
            if (part < 0.1) {
                QVERIFY(!r.open(cut));               // no frame left to play
                QVERIFY(!r.error().isEmpty());
                continue;
            }
            // What is left plays, and the reader says the clip is damaged.
            QVERIFY2(r.open(cut), qPrintable(r.error()));
            QVERIFY2(!r.warning().isEmpty(), qPrintable(cut));
            QVERIFY(r.frameCount() < 40);
            QVERIFY(r.frameCount() > 0);
            ClipPacket p;
            int n = 0;
            while (r.read(&p)) {
                QCOMPARE(p.jpeg, jpegFor(n));
                ++n;
            }
            QCOMPARE(n, r.frameCount());
        }
    }

    void readerOpensA30SecondClipQuickly()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("long.mkv");
        ClipWriter w(path);
        for (int i = 0; i < 900; ++i)
            QCOMPARE(w.add(frame(i % 30, i * 33'333'333LL)), ClipWriter::Added::Written);
        QVERIFY(w.finish());
        QElapsedTimer t;
        t.start();
        ClipReader r;
        QVERIFY(r.open(path));
        QVERIFY(r.seek(15'000));
        ClipPacket p;
        QVERIFY(r.read(&p));
        const qint64 ms = t.elapsed();
        QCOMPARE(r.frameCount(), 900);
        QCOMPARE(p.index, 450);
        QVERIFY(qAbs(r.durationMs() - 30'000) <= 34);
        const qint64 budget = qEnvironmentVariableIsSet("VIGIL_SANITIZER") ? 3000 : 500;
        QVERIFY2(ms < budget, qPrintable(QString("%1 ms").arg(ms)));
    }

    // --- recorder ---

    void recorderWritesPreRollToPostRoll()
    {
        QTemporaryDir dir;
        Results results;
        ClipRecorder rec(quietOptions());
        results.watch(rec);
        const qint64 base = nowNs();
        for (int i = 0; i < 10; ++i)                 // before the event: only the ring
            rec.addFrame(frame(i, base + i * 40 * kMs));
        QCOMPARE(rec.stats().queuedFrames, 0);
        const QString path = dir.filePath("e1.mkv");
        QVERIFY(rec.startClip("e1", path, base + 360 * kMs));   // pre-roll from 160 ms: frames 4..9
        for (int i = 10; i <= 10; ++i)
            rec.addFrame(frame(i, base + i * 40 * kMs));
        rec.endClip("e1", base + 400 * kMs);                    // post-roll to 600 ms: frame 15
        for (int i = 11; i < 35; ++i)
            rec.addFrame(frame(i, base + i * 40 * kMs));
        QTRY_COMPARE(results.complete.size(), 1);
        QVERIFY(results.failed.isEmpty());
        const ClipResult c = results.complete.first();
        QCOMPARE(c.id, QString("e1"));
        QCOMPARE(c.path, path);
        QCOMPARE(c.frames, 12);
        QCOMPARE(c.size, QSize(320, 240));
        QCOMPARE(c.framesDropped, quint64(0));
        QVERIFY(c.endReason.contains("post-roll"));
        QVERIFY(QFile::exists(path));

        const ReadBack r = readClip(path);
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        QCOMPARE(r.pts.size(), 12);
        for (int k = 0; k < 12; ++k) {
            QCOMPARE(r.jpegs[k], jpegFor(4 + k));
            QCOMPARE(r.pts[k], qint64(k) * 40);
        }
        QCOMPARE(c.durationMs, r.durationMs);
        QCOMPARE(rec.stats().activeClips, 0);
        QCOMPARE(rec.stats().clipsComplete, quint64(1));
    }

    void recorderOverlappingEventsGetTheirOwnFiles()
    {
        QTemporaryDir dir;
        Results results;
        ClipRecorder rec(quietOptions());
        results.watch(rec);
        const qint64 base = nowNs();
        auto at = [&](int i) { return base + i * 40 * kMs; };
        for (int i = 0; i < 10; ++i)
            rec.addFrame(frame(i, at(i)));
        QVERIFY(rec.startClip("a", dir.filePath("a.mkv"), at(9)));    // from frame 4
        for (int i = 10; i < 15; ++i)
            rec.addFrame(frame(i, at(i)));
        QVERIFY(rec.startClip("b", dir.filePath("b.mkv"), at(14)));   // from frame 9
        QString why;
        QVERIFY(!rec.startClip("b", dir.filePath("b2.mkv"), at(14), &why));
        QVERIFY(why.contains("already"));
        for (int i = 15; i <= 16; ++i)
            rec.addFrame(frame(i, at(i)));
        rec.endClip("a", at(16));                                      // to frame 21
        for (int i = 17; i <= 30; ++i)
            rec.addFrame(frame(i, at(i)));
        rec.endClip("b", at(30));                                      // to frame 35
        for (int i = 31; i < 45; ++i)
            rec.addFrame(frame(i, at(i)));
        QTRY_COMPARE(results.complete.size(), 2);
        QCOMPARE(results.complete[0].id, QString("a"));
        QCOMPARE(results.complete[1].id, QString("b"));

        const ReadBack a = readClip(dir.filePath("a.mkv"));
        const ReadBack b = readClip(dir.filePath("b.mkv"));
        QCOMPARE(a.jpegs.size(), 18);   // 4..21
        QCOMPARE(b.jpegs.size(), 27);   // 9..35
        for (int k = 0; k < a.jpegs.size(); ++k)
            QCOMPARE(a.jpegs[k], jpegFor(4 + k));
        for (int k = 0; k < b.jpegs.size(); ++k)
            QCOMPARE(b.jpegs[k], jpegFor(9 + k));
        QCOMPARE(files(dir.path()), (QStringList{"a.mkv", "b.mkv"}));
    }

    void recorderStopsAtMaxDuration()
    {
        QTemporaryDir dir;
        Results results;
        ClipRecorderOptions o = quietOptions();
        o.maxClipMs = 1000;
        ClipRecorder rec(o);
        results.watch(rec);
        const qint64 base = nowNs();
        QVERIFY(rec.startClip("m", dir.filePath("m.mkv"), base));
        for (int i = 0; i < 60; ++i)
            rec.addFrame(frame(i, base + i * 40 * kMs));
        QTRY_COMPARE(results.complete.size(), 1);
        QCOMPARE(results.complete[0].frames, 26);
        QVERIFY(results.complete[0].endReason.contains("maximum"));
        QCOMPARE(readClip(dir.filePath("m.mkv")).pts.size(), 26);
        // The event goes on; its end is ignored.
        rec.endClip("m");
        QCOMPARE(rec.stats().activeClips, 0);
    }

    void recorderDropsAndCountsWhenBehind()
    {
        QTemporaryDir dir;
        Results results;
        ClipRecorderOptions o = quietOptions();
        o.maxQueuedFrames = 5;
        ClipRecorder rec(o);
        results.watch(rec);
        const qint64 base = nowNs();
        rec.addFrame(frame(0, base));
        rec.pauseWriting(true);                      // the disk is slow
        QVERIFY(rec.startClip("q", dir.filePath("q.mkv"), base));
        for (int i = 1; i <= 20; ++i)
            rec.addFrame(frame(i, base + i * 40 * kMs));
        ClipRecorder::Stats s = rec.stats();
        QCOMPARE(s.queuedFrames, 5);
        QCOMPARE(s.framesDropped, quint64(15));
        QCOMPARE(s.queuedBytes, qint64(jpegFor(1).size() + jpegFor(2).size() + jpegFor(3).size()
                                       + jpegFor(4).size() + jpegFor(5).size()));
        rec.pauseWriting(false);
        QTRY_COMPARE(rec.stats().queuedFrames, 0);
        rec.addFrame(frame(21, base + 21 * 40 * kMs));
        rec.endClip("q", base + 21 * 40 * kMs - o.postRollMs * kMs);
        rec.addFrame(frame(22, base + 22 * 40 * kMs));
        QTRY_COMPARE(results.complete.size(), 1);
        const ClipResult c = results.complete[0];
        QCOMPARE(c.frames, 7);                       // 0 (pre-roll), 1..5, 21
        QCOMPARE(c.framesDropped, quint64(15));
        const ReadBack r = readClip(c.path);
        QCOMPARE(r.jpegs.size(), 7);
        QCOMPARE(r.jpegs.last(), jpegFor(21));
        QCOMPARE(r.pts.last(), qint64(21 * 40));     // the gap stays a gap in time
    }

    void recorderShowsOnlyCompleteFiles()
    {
        QTemporaryDir dir;
        bool existedWhenAnnounced = false;   // the file must exist when its completion is announced
        Results results;
        ClipRecorder rec(quietOptions());
        results.watch(rec);
        QObject::connect(&rec, &ClipRecorder::clipComplete, &results.context,
                         [&](const ClipResult& r) { existedWhenAnnounced = QFile::exists(r.path); });
        const qint64 base = nowNs();
        const QString path = dir.filePath("p.mkv");
        QVERIFY(rec.startClip("p", path, base));
        for (int i = 0; i < 10; ++i)
            rec.addFrame(frame(i, base + i * 40 * kMs));
        QTRY_COMPARE(files(dir.path()), QStringList{"p.mkv.part"});
        QTRY_COMPARE(rec.stats().queuedFrames, 0);
        QVERIFY(QDir(dir.path()).entryList({"*.mkv"}).isEmpty());
        QVERIFY(!QFile::exists(path));
        QVERIFY(results.complete.isEmpty());
        rec.endClip("p", base + 360 * kMs);
        rec.addFrame(frame(10, base + 1000 * kMs));   // past the post-roll: ends the clip
        QTRY_COMPARE(results.complete.size(), 1);
        QVERIFY(existedWhenAnnounced);
        QCOMPARE(files(dir.path()), QStringList{"p.mkv"});
        QCOMPARE(readClip(path).jpegs.size(), 10);
    }

    void recorderEndsAClipWhenTheCameraGoesQuiet()
    {
        QTemporaryDir dir;
        Results results;
        ClipRecorderOptions o = quietOptions();
        o.idleFinishMs = 100;
        ClipRecorder rec(o);
        results.watch(rec);
        const qint64 base = nowNs() - 2000 * kMs;   // frames from 2 s ago, then nothing
        for (int i = 0; i < 10; ++i)
            rec.addFrame(frame(i, base + i * 40 * kMs));
        QVERIFY(rec.startClip("quiet", dir.filePath("quiet.mkv"), base + 360 * kMs));
        rec.endClip("quiet", base + 360 * kMs);
        QTRY_COMPARE(results.complete.size(), 1);
        QCOMPARE(results.complete[0].frames, 6);    // pre-roll 160..360 ms
        QVERIFY(results.complete[0].endReason.contains("no newer frame"));
    }

    void recorderStopFinishesWhatItHas()
    {
        QTemporaryDir dir;
        Results results;
        auto rec = std::make_unique<ClipRecorder>(quietOptions());
        results.watch(*rec);
        const qint64 base = nowNs();
        QVERIFY(rec->startClip("s", dir.filePath("s.mkv"), base));
        for (int i = 0; i < 8; ++i)
            rec->addFrame(frame(i, base + i * 40 * kMs));
        rec.reset();
        QTRY_COMPARE(results.complete.size(), 1);
        QCOMPARE(results.complete[0].frames, 8);
        QVERIFY(results.complete[0].endReason.contains("stopped"));
        QCOMPARE(files(dir.path()), QStringList{"s.mkv"});
    }

    void recorderReportsWriteFailures()
    {
        QTemporaryDir dir;
        Results results;
        ClipRecorder rec(quietOptions());
        results.watch(rec);
        QFile blocker(dir.filePath("blocker"));
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.close();
        const qint64 base = nowNs();
        rec.addFrame(frame(0, base));
        QVERIFY(rec.startClip("bad", dir.filePath("blocker/bad.mkv"), base));
        QTRY_COMPARE(results.failed.size(), 1);
        QCOMPARE(results.failed[0].id, QString("bad"));
        QVERIFY(!results.failed[0].ok);
        QVERIFY(!results.failed[0].error.isEmpty());
        QCOMPARE(files(dir.path()), QStringList{"blocker"});
        QCOMPARE(rec.stats().clipsFailed, quint64(1));
        QCOMPARE(rec.stats().activeClips, 0);

        // Disk full in the middle of a clip: reported, and neither file is left.
        const QString full = dir.filePath("full");
        QVERIFY(QDir().mkpath(full));
        {
            FileSizeLimit limit(64 * 1024);
            QVERIFY(limit.ok());
            QVERIFY(rec.startClip("full", full + "/full.mkv", base));
            for (int i = 1; i < 60; ++i)
                rec.addFrame(frame(i, base + i * 40 * kMs));
            QTRY_COMPARE(results.failed.size(), 2);
        }
        QVERIFY2(results.failed[1].error.contains("too large"), qPrintable(results.failed[1].error));
        QVERIFY(files(full).isEmpty());
    }

    void recorderReportsAReadOnlyFolder()
    {
        if (geteuid() == 0)
            QSKIP("root ignores directory permissions (the disk-full and bad-path cases still run)");
        QTemporaryDir dir;
        const QString ro = dir.filePath("ro");
        QVERIFY(QDir().mkpath(ro));
        QVERIFY(QFile::setPermissions(ro, QFile::ReadOwner | QFile::ExeOwner));
        Results results;
        ClipRecorder rec(quietOptions());
        results.watch(rec);
        const qint64 base = nowNs();
        rec.addFrame(frame(0, base));
        QVERIFY(rec.startClip("ro", ro + "/ro.mkv", base));
        QTRY_COMPARE(results.failed.size(), 1);
        QFile::setPermissions(ro, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        QVERIFY(!results.failed[0].error.isEmpty());
        QVERIFY(files(ro).isEmpty());
    }

    void recorderRefusesTooManyClips()
    {
        QTemporaryDir dir;
        ClipRecorderOptions o = quietOptions();
        o.maxActiveClips = 2;
        ClipRecorder rec(o);
        QVERIFY(rec.startClip("1", dir.filePath("1.mkv")));
        QVERIFY(rec.startClip("2", dir.filePath("2.mkv")));
        QString why;
        QVERIFY(!rec.startClip("3", dir.filePath("3.mkv"), nowNs(), &why));
        QVERIFY(!why.isEmpty());
        QVERIFY(!rec.startClip("", dir.filePath("4.mkv")));
        rec.stop();
        QVERIFY(!rec.startClip("5", dir.filePath("5.mkv"), nowNs(), &why));
        QVERIFY(why.contains("stopped"));
    }
};

QTEST_GUILESS_MAIN(TestClip)
#include "tst_clip.moc"
