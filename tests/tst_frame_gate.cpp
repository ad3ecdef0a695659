// Frame gate against an injected clock: stride, deadline throttle, runtime changes.
#include <QTest>

#include "capture/frame_gate.h"

using vigil::FrameGate;

namespace {
struct Counts {
    int pass = 0, stride = 0, throttle = 0;
};

// Feeds `seconds` of a `sourceFps` camera (with deterministic +-jitterMs arrival jitter).
Counts run(FrameGate& gate, double sourceFps, double seconds, double jitterMs = 0, qint64 startNs = 0)
{
    Counts c;
    const int frames = int(sourceFps * seconds);
    quint32 rng = 1;
    for (int i = 0; i < frames; ++i) {
        rng = rng * 1664525u + 1013904223u;
        const double jitter = jitterMs * ((rng >> 8) / double(1 << 24) * 2 - 1);
        const qint64 t = startNs + qint64((i / sourceFps) * 1e9 + jitter * 1e6);
        switch (gate.offer(t)) {
        case FrameGate::Decision::Pass: ++c.pass; break;
        case FrameGate::Decision::SkipStride: ++c.stride; break;
        case FrameGate::Decision::DropThrottle: ++c.throttle; break;
        }
    }
    return c;
}
} // namespace

class TestFrameGate : public QObject {
    Q_OBJECT
private slots:
    void strideOnly()
    {
        FrameGate gate(3, 0);
        QList<FrameGate::Decision> d;
        for (int i = 0; i < 7; ++i)
            d << gate.offer(i * 1000);
        using D = FrameGate::Decision;
        QCOMPARE(d, (QList<D>{D::Pass, D::SkipStride, D::SkipStride, D::Pass, D::SkipStride, D::SkipStride, D::Pass}));
    }

    void presets_data()
    {
        QTest::addColumn<int>("skip");
        QTest::addColumn<double>("fps");
        QTest::addColumn<double>("jitterMs");
        for (double jitter : {0.0, 4.0}) {
            const QByteArray j = jitter > 0 ? " jitter" : "";
            QTest::newRow("real-time 1/15" + j) << 1 << 15.0 << jitter;
            QTest::newRow("parking 2/10" + j) << 2 << 10.0 << jitter;
            QTest::newRow("logging 5/5" + j) << 5 << 5.0 << jitter;
            QTest::newRow("snapshot 10/1" + j) << 10 << 1.0 << jitter;
            QTest::newRow("cap above candidates 10/15" + j) << 10 << 15.0 << jitter;
        }
    }
    void presets()
    {
        QFETCH(int, skip);
        QFETCH(double, fps);
        QFETCH(double, jitterMs);
        FrameGate gate(skip, fps);
        const double seconds = 60;
        const Counts c = run(gate, 30, seconds, jitterMs);
        const double expected = std::min(fps, 30.0 / skip);
        const double achieved = c.pass / seconds;
        QVERIFY2(std::abs(achieved - expected) <= expected * 0.05,
                 qPrintable(QStringLiteral("achieved %1 FPS, expected %2").arg(achieved).arg(expected)));
        QCOMPARE(c.pass + c.stride + c.throttle, int(30 * seconds));
        QCOMPARE(c.stride, int(30 * seconds) - int(30 * seconds + skip - 1) / skip);
    }

    void outputIsEvenlySpaced()
    {
        // 30 FPS, skip 2, fps 10: every 100 ms (not 133 ms, as a naive check would give).
        FrameGate gate(2, 10);
        QList<qint64> passes;
        for (int i = 0; i < 300; ++i) {
            const qint64 t = qint64(i * 1e9 / 30);
            if (gate.offer(t) == FrameGate::Decision::Pass)
                passes << t;
        }
        QCOMPARE(passes.size(), 100);
        for (int i = 1; i < passes.size(); ++i)
            QVERIFY(passes[i] - passes[i - 1] <= qint64(134e6));
    }

    void changesApplyOnNextFrame()
    {
        FrameGate gate(1, 30);
        Counts a = run(gate, 30, 10);
        QVERIFY(a.pass >= 295);
        gate.setMaxFps(5);
        Counts b = run(gate, 30, 10, 0, qint64(10e9));
        QVERIFY2(std::abs(b.pass - 50) <= 2, qPrintable(QString::number(b.pass)));
        gate.setSkipFrames(30);
        gate.setMaxFps(0);
        Counts c = run(gate, 30, 10, 0, qint64(20e9));
        QVERIFY2(std::abs(c.pass - 10) <= 1, qPrintable(QString::number(c.pass)));
    }

    void pauseDoesNotBurst()
    {
        FrameGate gate(1, 10);
        run(gate, 30, 5);
        // The camera pauses for 10 s, then resumes: no catch-up burst.
        const Counts c = run(gate, 30, 1, 0, qint64(15e9));
        QVERIFY2(c.pass <= 11, qPrintable(QString::number(c.pass)));
        QVERIFY(c.pass >= 9);
    }

    void noCapPassesEveryCandidate()
    {
        FrameGate gate(1, 0);
        const Counts c = run(gate, 30, 2);
        QCOMPARE(c.pass, 60);
        QCOMPARE(c.throttle, 0);
    }

    void candidatesNotAdmittedDoNotSpendTheBudget()
    {
        // The reader uses a candidate to refresh a waiting frame without admit(): the stride still
        // advances, the fps budget does not, so the next admitted candidate is not pushed back.
        FrameGate gate(2, 10);
        QVERIFY(gate.nextIsCandidate());
        QVERIFY(gate.admit(0));
        QVERIFY(!gate.nextIsCandidate());  // frame 2: stride
        QVERIFY(gate.nextIsCandidate());   // frame 3 at 66 ms: used for a refresh, not admitted
        QVERIFY(!gate.nextIsCandidate());
        QVERIFY(gate.nextIsCandidate());   // frame 5 at 133 ms
        QVERIFY(gate.admit(133'000'000));  // due since 100 ms
        QVERIFY(!gate.nextIsCandidate());
        QVERIFY(gate.nextIsCandidate());
        QVERIFY(!gate.admit(166'000'000)); // next deadline 200 ms
    }

    void invalidSkipIsClamped()
    {
        FrameGate gate(0, 0);
        QCOMPARE(gate.skipFrames(), 1);
        gate.setSkipFrames(-5);
        QCOMPARE(gate.skipFrames(), 1);
    }
};

QTEST_APPLESS_MAIN(TestFrameGate)
#include "tst_frame_gate.moc"
