// Motion-gated detection end to end: the in-process ESP32 camera serves a yard with a real person
// (cut from a test photo), standing or walking; a camera in each detect mode runs a real model.
#include <QFile>
#include <QTest>
#include <mutex>
#include <opencv2/imgproc.hpp>

#include "demo/esp32_camera_server.h"
#include "pipeline/camera.h"
#include "processing/jpeg_codec.h"
#include "processing/processing_scheduler.h"
#include "test_util.h"

using namespace vigil;

namespace {
// Keeps the metadata of every delivered frame (no pixels asked for: the cheapest consumer).
class CollectingSink : public FrameSink {
public:
    FrameFormat format() const override { return {}; }
    void deliver(const ProcessedFramePtr& frame) override
    {
        std::lock_guard lock(mutex);
        frames.append(frame);
    }
    QList<ProcessedFramePtr> take()
    {
        std::lock_guard lock(mutex);
        return std::exchange(frames, {});
    }
    std::mutex mutex;
    QList<ProcessedFramePtr> frames;
};
} // namespace

class TestMotionGating : public QObject {
    Q_OBJECT
private:
    QString m_model;
    cv::Mat m_yard;            // 640x480 background
    cv::Mat m_person;          // ~70x190 px sprite
    QByteArray m_standing;     // the person standing in the yard
    QList<QByteArray> m_walking;

    QByteArray yardWithPersonAt(int x)
    {
        JpegEncoder enc;
        return enc.encodeBgr(test::withSprite(m_yard, m_person, x, 250), 85);
    }
    CameraConfig config(const QUrl& url, DetectMode mode) const
    {
        CameraConfig c;
        c.id = "yard";
        c.url = url;
        c.skipFrames = 1;
        c.maxFps = 10;
        c.detect = mode;
        c.heartbeatS = 2;
        c.detector.modelPath = m_model;
        return c;
    }

private slots:
    void initTestCase()
    {
        m_model = test::modelsDir() + "/yolox_nano_coco80_416_fp32.onnx";
        m_person = test::personSprite(190);
        if (!QFile::exists(m_model) || m_person.empty())
            QSKIP(qPrintable("shared models or photos absent (looked in " + test::modelsDir() + "; set VIGIL_MODELS_DIR)"));
        m_yard = test::yardBackground();
        m_standing = yardWithPersonAt(280);
        // Walks right and back: 8 px a frame at 30 FPS.
        for (int i = 0; i < 60; ++i)
            m_walking << yardWithPersonAt(40 + 8 * (i < 30 ? i : 59 - i));
    }

    void aHeartbeatOnItsWayIsNotAskedForAgain()
    {
        // A slow detector: frames keep being analysed while the heartbeat is being inferred.
        InferenceGate gate;
        const QSize size(640, 480);
        const MotionResult still;
        const qint64 s = 1'000'000'000, hb = 2 * s;
        QCOMPARE(gate.decide(DetectMode::Motion, still, size, hb, 1 * s).reason, InferenceGate::Reason::Heartbeat);
        for (qint64 t = 1 * s + s / 10; t < 1 * s + s * 9 / 10; t += s / 10)
            QVERIFY(!gate.decide(DetectMode::Motion, still, size, hb, t).infer);
        gate.onInferred({}, QRect(QPoint(0, 0), size), size, 1 * s + s * 9 / 10);
        QVERIFY(!gate.decide(DetectMode::Motion, still, size, hb, 2 * s).infer);
        QCOMPARE(gate.decide(DetectMode::Motion, still, size, hb, 4 * s).reason, InferenceGate::Reason::Heartbeat);
        // A heartbeat that never came back (superseded by a crop) is asked for again after a while.
        QVERIFY(!gate.decide(DetectMode::Motion, still, size, hb, 4 * s + s / 2).infer);
        QCOMPARE(gate.decide(DetectMode::Motion, still, size, hb, 4 * s + InferenceGate::kHeartbeatPendingNs).reason,
                 InferenceGate::Reason::Heartbeat);
    }

    void staticSceneIsInferredOnlyAtTheHeartbeat()
    {
        Esp32CameraServer server;
        server.setFrames({m_standing});
        QVERIFY(server.listen());
        ProcessingScheduler inference(1), light(1, ProcessingScheduler::Kind::Light);
        Camera cam(config(server.url(), DetectMode::Motion), &inference, &light);
        CollectingSink sink;
        cam.addSink(&sink);
        cam.start();
        QTRY_VERIFY_WITH_TIMEOUT(cam.stats().inferences >= 1, 20000);  // the first frame is a heartbeat
        QElapsedTimer clock;
        clock.start();
        const quint64 startInferences = cam.stats().inferences;
        QTRY_VERIFY_WITH_TIMEOUT(clock.elapsed() >= 5000 && cam.stats().processed >= 20, 30000);
        const StatsSnapshot s = cam.stats();
        cam.removeSink(&sink);
        // Heartbeats every 2 s: at most one per 2 s (plus one for rounding), never per frame.
        const quint64 heartbeats = s.inferences - startInferences;
        QVERIFY2(heartbeats >= 1 && heartbeats <= quint64(clock.elapsed() / 2000 + 1),
                 qPrintable(QString("%1 inferences in %2 ms").arg(heartbeats).arg(clock.elapsed())));
        QVERIFY2(s.gatedNoMotion >= 10, qPrintable(QString::number(s.gatedNoMotion)));
        QVERIFY(!s.motion);
        // No frozen video: frames not inferred still arrive, saying so and claiming nothing.
        int notInferred = 0;
        for (const ProcessedFramePtr& f : sink.take()) {
            if (!f->inferred) {
                ++notInferred;
                QVERIFY(f->detections.isEmpty());
                QVERIFY(f->inferRegion.isEmpty());
            } else {
                QCOMPARE(f->inferRegion, QRect(0, 0, 640, 480));  // heartbeats look at the whole frame
            }
        }
        QVERIFY(notInferred >= 10);
    }

    void movingObjectStartsInferenceAndKeepsItBelowTheThreshold()
    {
        Esp32CameraServer server;
        server.setFrames({m_standing});
        QVERIFY(server.listen());
        ProcessingScheduler inference(1), light(1, ProcessingScheduler::Kind::Light);
        CameraConfig c = config(server.url(), DetectMode::Motion);
        c.heartbeatS = 3600;  // only the first frame is a heartbeat
        Camera cam(c, &inference, &light);
        CollectingSink sink;
        cam.addSink(&sink);
        cam.start();
        QTRY_VERIFY_WITH_TIMEOUT(cam.stats().inferences >= 1 && cam.stats().gatedNoMotion >= 5, 20000);
        const quint64 before = cam.stats().inferences;
        sink.take();

        // The person starts walking: inference starts with the first frame that moves.
        server.setFrames(m_walking);
        QTRY_VERIFY_WITH_TIMEOUT(cam.stats().inferences >= before + 5, 15000);
        bool sawPerson = false;
        for (const ProcessedFramePtr& f : sink.take()) {
            if (f->motion)
                QVERIFY2(f->inferred, "a frame with motion was not inferred");
            for (const Detection& d : f->detections)
                sawPerson |= d.name == "person";
        }
        QVERIFY(sawPerson);

        // Motion no longer meets the minimum area, but the detected person keeps moving: still inferred.
        c.motion.minAreaPct = 100;
        cam.setConfig(c);
        QTRY_VERIFY_WITH_TIMEOUT(!cam.stats().motion, 5000);
        sink.take();
        const quint64 belowThreshold = cam.stats().inferences;
        QTRY_VERIFY_WITH_TIMEOUT(cam.stats().inferences >= belowThreshold + 5, 15000);
        int inferredWithoutMotion = 0;
        for (const ProcessedFramePtr& f : sink.take())
            inferredWithoutMotion += f->inferred && !f->motion;
        QVERIFY(inferredWithoutMotion >= 3);

        // It stands still: after the follow time the detector sleeps.
        server.setFrames({m_standing});
        QTest::qWait(int(InferenceGate::kFollowNs / 1'000'000) + 1500);
        const quint64 asleep = cam.stats().inferences;
        QTest::qWait(1500);
        QCOMPARE(cam.stats().inferences, asleep);
        cam.removeSink(&sink);
    }

    void alwaysAndOffBehaveAsNamed()
    {
        Esp32CameraServer server;
        server.setFrames({m_standing});
        QVERIFY(server.listen());
        ProcessingScheduler inference(1), light(1, ProcessingScheduler::Kind::Light);
        {
            Camera cam(config(server.url(), DetectMode::Always), &inference, &light);
            CollectingSink sink;
            cam.addSink(&sink);
            cam.start();
            QTRY_VERIFY_WITH_TIMEOUT(cam.stats().processed >= 8, 20000);
            cam.removeSink(&sink);
            const StatsSnapshot s = cam.stats();
            QCOMPARE(s.gatedNoMotion, quint64(0));
            const QList<ProcessedFramePtr> frames = sink.take();
            QVERIFY(frames.size() >= 8);
            for (const ProcessedFramePtr& f : frames) {
                QVERIFY(f->inferred);
                QCOMPARE(f->inferRegion, QRect(0, 0, 640, 480));
            }
            QVERIFY(s.inferences >= quint64(frames.size()));
        }
        {
            Camera cam(config(server.url(), DetectMode::Off), &inference, &light);
            CollectingSink sink;
            cam.addSink(&sink);
            cam.start();
            QTRY_VERIFY_WITH_TIMEOUT(cam.stats().processed >= 8, 20000);
            cam.removeSink(&sink);
            const StatsSnapshot s = cam.stats();
            QCOMPARE(s.inferences, quint64(0));
            QCOMPARE(s.gatedNoMotion, quint64(0));
            QVERIFY(cam.detectorStatus().isEmpty());
            for (const ProcessedFramePtr& f : sink.take()) {
                QVERIFY(!f->inferred);
                QVERIFY(f->detections.isEmpty());
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestMotionGating)
#include "tst_motion_gating.moc"
