// The shared processing scheduler: fairness, latest-wins, bounded latency with a slow stage.
// Time is simulated: frames carry timestamps from a virtual clock and each process() call blocks
// until the test has advanced that clock by the work's duration, so every run takes the same turns
// whatever the machine's speed (no sleeps, no wall-clock bounds).
#include <QTest>
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <numeric>
#include <set>
#include <thread>

#include "processing/frame_processor.h"
#include "processing/processing_scheduler.h"

using namespace vigil;

namespace {

constexpr qint64 kMs = 1000000;  // virtual nanoseconds per millisecond

class Simulation;

// A camera whose processing takes `workNs` of virtual time.
class SimChannel : public ProcessingChannel {
public:
    SimChannel(Simulation& sim, qint64 periodNs, qint64 workNs, qint64 phaseNs = 0)
        : sim(sim), periodNs(periodNs), workNs(workNs), nextArrivalNs(phaseNs) {}
    void process(EncodedFrame&& frame, WorkerContext&) override;
    void onSuperseded(const EncodedFrame& dropped) override
    {
        std::lock_guard lock(mutex);
        superseded.insert(dropped.seq);
    }

    Simulation& sim;
    const qint64 periodNs, workNs;
    qint64 nextArrivalNs;
    quint64 nextSeq = 1;
    bool waiting = false;            // offered since a worker last took it (guarded by Simulation)
    std::mutex mutex;
    std::vector<quint64> processed;  // in order
    std::vector<double> latencyMs;   // virtual: end of work - frame arrival
    std::set<quint64> superseded;
};

// Drives one worker through virtual time: frames arrive on their channels' periods; the worker's
// process() returns when the clock reaches the end of its work.
class Simulation {
public:
    ProcessingScheduler scheduler{1};

    ~Simulation()
    {
        {
            // Let a worker still inside process() go, without recording it.
            std::lock_guard lock(m_mutex);
            m_finished = true;
            m_cv.notify_all();
        }
        for (SimChannel* c : m_channels)
            scheduler.detach(c);
    }
    // A camera with a frame every periodNs from phaseNs on, each taking workNs to process.
    SimChannel& add(qint64 periodNs, qint64 workNs, qint64 phaseNs = 0)
    {
        m_owned.push_back(std::make_unique<SimChannel>(*this, periodNs, workNs, phaseNs));
        m_channels.push_back(m_owned.back().get());
        scheduler.attach(m_channels.back());
        return *m_channels.back();
    }

    // Runs until the virtual clock passes endNs.
    void runUntil(qint64 endNs)
    {
        std::unique_lock lock(m_mutex);
        while (m_nowNs < endNs) {
            if (m_running) {
                // Frames that arrive while the worker is busy, then the end of its work.
                const qint64 doneNs = m_startNs + m_running->workNs;
                lock.unlock();
                offerArrivalsUpTo(doneNs);
                lock.lock();
                m_nowNs = doneNs;
                m_running = nullptr;
                ++m_released;
                m_cv.notify_all();
            } else if (anyWaiting()) {
                // A frame is waiting: the worker will take one.
            } else {
                lock.unlock();
                offerArrivalsUpTo(nextArrival());
                lock.lock();
            }
            // Wait until the worker has started on a waiting frame (or none is waiting).
            const bool ok = m_cv.wait_for(lock, std::chrono::seconds(30),
                                          [&] { return m_running || !anyWaiting(); });
            QVERIFY2(ok, "the worker did not take a waiting frame");
            if (!ok)
                return;
        }
    }

    // Called by SimChannel::process on the worker thread.
    void workerStarts(SimChannel* c, const EncodedFrame& frame)
    {
        std::unique_lock lock(m_mutex);
        c->waiting = false;
        m_running = c;
        m_startNs = m_nowNs;
        const quint64 ticket = ++m_started;
        m_cv.notify_all();
        m_cv.wait(lock, [&] { return m_released >= ticket || m_finished; });
        if (m_released < ticket)
            return;
        std::lock_guard clock(c->mutex);
        c->processed.push_back(frame.seq);
        c->latencyMs.push_back(double(m_nowNs - frame.receivedNs) / kMs);
    }

private:
    bool anyWaiting() const
    {
        return std::any_of(m_channels.begin(), m_channels.end(), [](SimChannel* c) { return c->waiting; });
    }
    qint64 nextArrival() const
    {
        qint64 t = std::numeric_limits<qint64>::max();
        for (SimChannel* c : m_channels)
            t = std::min(t, c->nextArrivalNs);
        return t;
    }
    // Offers every frame that arrives up to t, in time order (not under m_mutex: offer() may call
    // onSuperseded and wake the worker).
    void offerArrivalsUpTo(qint64 t)
    {
        for (;;) {
            SimChannel* first = nullptr;
            for (SimChannel* c : m_channels)
                if (c->nextArrivalNs <= t && (!first || c->nextArrivalNs < first->nextArrivalNs))
                    first = c;
            if (!first)
                return;
            EncodedFrame f;
            f.seq = first->nextSeq++;
            f.receivedNs = first->nextArrivalNs;
            first->nextArrivalNs += first->periodNs;
            {
                std::lock_guard lock(m_mutex);
                m_nowNs = std::max(m_nowNs, f.receivedNs);
                first->waiting = true;
            }
            scheduler.offer(first, std::move(f));
        }
    }

    std::vector<std::unique_ptr<SimChannel>> m_owned;  // outlive the scheduler's use (see ~Simulation)
    std::vector<SimChannel*> m_channels;
    std::mutex m_mutex;
    std::condition_variable m_cv;
    qint64 m_nowNs = 0;
    qint64 m_startNs = 0;
    SimChannel* m_running = nullptr;
    quint64 m_started = 0;
    quint64 m_released = 0;
    bool m_finished = false;
};

void SimChannel::process(EncodedFrame&& frame, WorkerContext&)
{
    sim.workerStarts(this, frame);
}

int processedCount(SimChannel& c)
{
    std::lock_guard lock(c.mutex);
    return int(c.processed.size());
}

} // namespace

class TestScheduler : public QObject {
    Q_OBJECT
private slots:
    void threeCamerasShareASlowDetectorFairly()
    {
        // 30 FPS each for 4 s, 30 ms of work per frame: one worker serves a third of what arrives.
        Simulation sim;
        const qint64 period = 1000 * kMs / 30;
        SimChannel& a = sim.add(period, 30 * kMs);
        SimChannel& b = sim.add(period, 30 * kMs, 7 * kMs);
        SimChannel& c = sim.add(period, 30 * kMs, 21 * kMs);
        sim.runUntil(4000 * kMs);
        const int counts[] = {processedCount(a), processedCount(b), processedCount(c)};
        const int lo = *std::min_element(std::begin(counts), std::end(counts));
        const int hi = *std::max_element(std::begin(counts), std::end(counts));
        qInfo("processed per camera: %d %d %d", counts[0], counts[1], counts[2]);
        QVERIFY(lo >= 40);           // 4 s / (3 x 30 ms) = 44 turns each
        QVERIFY2(hi - lo <= 1, "shares differ by more than one turn");
        for (SimChannel* ch : {&a, &b, &c}) {
            std::lock_guard lock(ch->mutex);
            QVERIFY(!ch->superseded.empty());
            // Every frame offered was processed, superseded, or is the one still waiting.
            QVERIFY(ch->processed.size() + ch->superseded.size() >= ch->nextSeq - 2);
            // A superseded frame never reached processing ("never decoded"), and order is kept.
            for (quint64 seq : ch->processed)
                QVERIFY(!ch->superseded.count(seq));
            QVERIFY(std::is_sorted(ch->processed.begin(), ch->processed.end()));
        }
    }

    void aCameraWithSparseFramesStillGetsItsTurnEveryRound()
    {
        // Two cameras offer a frame every 5 ms, one every 60 ms: each round of turns (3 x 30 ms)
        // is longer than 60 ms, so all three always have a frame waiting when their turn comes and
        // must get the same share. (Ordering by the waiting frame's age alone let the busy cameras,
        // whose frames are back in the slot right after their turn, go twice in one round.)
        Simulation sim;
        SimChannel& a = sim.add(5 * kMs, 30 * kMs);
        SimChannel& b = sim.add(5 * kMs, 30 * kMs, 1 * kMs);
        SimChannel& sparse = sim.add(60 * kMs, 30 * kMs, 2 * kMs);
        sim.runUntil(3000 * kMs);
        qInfo("processed: busy %d %d, sparse %d", processedCount(a), processedCount(b), processedCount(sparse));
        QVERIFY(processedCount(sparse) >= 30);
        const int hi = std::max({processedCount(a), processedCount(b), processedCount(sparse)});
        QVERIFY2(hi - processedCount(sparse) <= 1, "the sparse camera lost turns");
    }

    void latencyStaysBoundedWhenInferenceIsThreeFrameIntervals()
    {
        // 110 ms of work on a 30 FPS camera (over three frame intervals): the worker always takes
        // the newest frame, so latency is one inference plus at most one frame interval, and does
        // not grow over time.
        Simulation sim;
        const qint64 period = 1000 * kMs / 30;
        const double inferMs = 110;
        SimChannel& ch = sim.add(period, qint64(inferMs) * kMs);
        sim.runUntil(5000 * kMs);
        std::lock_guard lock(ch.mutex);
        const std::vector<double>& l = ch.latencyMs;
        QVERIFY(l.size() >= 40);
        const double worst = *std::max_element(l.begin(), l.end());
        const double bound = inferMs + 1000.0 / 30;
        QVERIFY2(worst <= bound + 1e-6, qPrintable(QStringLiteral("worst latency %1 ms > %2 ms").arg(worst).arg(bound)));
        const size_t h = l.size() / 2;
        const double first = std::accumulate(l.begin(), l.begin() + qsizetype(h), 0.0) / double(h);
        const double second = std::accumulate(l.begin() + qsizetype(h), l.end(), 0.0) / double(l.size() - h);
        qInfo("mean latency first half %.1f ms, second half %.1f ms, worst %.1f ms", first, second, worst);
        QVERIFY(second <= bound && first <= bound);
        QVERIFY(ch.superseded.size() > 80);
    }

    void refreshOnlyReplacesAWaitingFrame()
    {
        // Real threads, no clock: a gate holds the only worker busy.
        struct Gated : ProcessingChannel {
            std::mutex m;
            std::condition_variable cv;
            bool open = false;
            std::atomic<int> started{0};
            std::vector<quint64> seqs;
            std::atomic<int> superseded{0};
            void process(EncodedFrame&& f, WorkerContext&) override
            {
                std::unique_lock lock(m);
                seqs.push_back(f.seq);
                ++started;
                cv.wait(lock, [&] { return open; });
            }
            void onSuperseded(const EncodedFrame&) override { ++superseded; }
            void release()
            {
                std::lock_guard lock(m);
                open = true;
                cv.notify_all();
            }
        };
        ProcessingScheduler scheduler(1);
        Gated busy, ch;
        ch.open = true;
        scheduler.attach(&busy);
        scheduler.attach(&ch);
        EncodedFrame f;
        f.seq = 1;
        scheduler.offer(&busy, std::move(f));    // occupies the only worker
        QTRY_VERIFY_WITH_TIMEOUT(busy.started == 1, 10000);
        EncodedFrame r;
        r.seq = 2;
        QVERIFY(!scheduler.refresh(&ch, r));     // nothing waiting: the frame is left to the caller
        QCOMPARE(r.seq, 2ull);
        EncodedFrame g;
        g.seq = 3;
        scheduler.offer(&ch, std::move(g));      // waits: the worker is busy
        EncodedFrame h;
        h.seq = 4;
        QVERIFY(scheduler.refresh(&ch, h));      // a fresher frame replaces the waiting one
        QCOMPARE(ch.superseded.load(), 1);
        busy.release();
        QTRY_VERIFY_WITH_TIMEOUT(ch.started == 1, 10000);
        scheduler.detach(&busy);
        scheduler.detach(&ch);
        QCOMPARE(ch.seqs, std::vector<quint64>{4});
    }

    void detachWaitsForTheRunningFrame()
    {
        struct Slow : ProcessingChannel {
            std::atomic<bool> inside{false}, finished{false};
            std::atomic<bool> mayFinish{false};
            void process(EncodedFrame&&, WorkerContext&) override
            {
                inside = true;
                while (!mayFinish)
                    std::this_thread::yield();
                finished = true;
            }
        } ch;
        ProcessingScheduler scheduler(2);
        scheduler.attach(&ch);
        EncodedFrame f;
        scheduler.offer(&ch, std::move(f));
        QTRY_VERIFY_WITH_TIMEOUT(ch.inside, 10000);
        std::thread releaser([&] { ch.mayFinish = true; });
        scheduler.detach(&ch);
        QVERIFY(ch.finished);  // finished before detach returned
        releaser.join();
        EncodedFrame g;
        QVERIFY(!scheduler.offer(&ch, std::move(g)));  // after detach, offers are refused
    }

    void aChannelIsNeverProcessedTwiceAtOnce()
    {
        ProcessingScheduler scheduler(2);
        struct Reentrancy : ProcessingChannel {
            std::atomic<int> inside{0}, maxInside{0}, count{0};
            void process(EncodedFrame&&, WorkerContext&) override
            {
                const int now = ++inside;
                maxInside = std::max(maxInside.load(), now);
                std::this_thread::yield();
                --inside;
                ++count;
            }
        } ch;
        scheduler.attach(&ch);
        for (int i = 0; i < 2000; ++i) {
            EncodedFrame f;
            scheduler.offer(&ch, std::move(f));
            if (i % 100 == 0)  // let the workers catch up now and then, so many frames are processed
                QTRY_VERIFY_WITH_TIMEOUT(ch.count > i / 200, 10000);
        }
        scheduler.detach(&ch);
        QVERIFY(ch.count > 5);
        QCOMPARE(ch.maxInside.load(), 1);
    }
};

QTEST_APPLESS_MAIN(TestScheduler)
#include "tst_scheduler.moc"
