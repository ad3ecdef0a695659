// Latest-wins hand-off between stages: the slot and the frame sink.
#include <QSignalSpy>
#include <QTest>
#include <thread>

#include "processing/frame_sink.h"
#include "processing/latest_slot.h"

using namespace vigil;

class TestLatestSlot : public QObject {
    Q_OBJECT
private slots:
    void newerReplacesPending()
    {
        LatestSlot<int> slot;
        QVERIFY(!slot.put(1));
        QVERIFY(slot.put(2));   // replaced 1
        QVERIFY(slot.put(3));   // replaced 2
        QCOMPARE(slot.replacedCount(), 2ull);
        QCOMPARE(slot.take().value(), 3);
        QVERIFY(!slot.take().has_value());
        QVERIFY(!slot.put(4));  // slot was empty: nothing replaced
        QCOMPARE(slot.replacedCount(), 2ull);
    }

    void concurrentProducerConsumerLosesNothingUncounted()
    {
        LatestSlot<int> slot;
        const int n = 200000;
        std::atomic<bool> done{false};
        long taken = 0;
        int last = -1;
        bool ordered = true;
        std::thread consumer([&] {
            while (!done.load() || slot.hasValue()) {
                if (auto v = slot.take()) {
                    ++taken;
                    ordered = ordered && *v > last;
                    last = *v;
                }
            }
        });
        for (int i = 0; i < n; ++i)
            slot.put(i);
        done = true;
        consumer.join();
        QVERIFY(ordered);
        QCOMPARE(taken + long(slot.replacedCount()), long(n));
        QCOMPARE(last, n - 1);
    }

    void sinkCoalescesNotifications()
    {
        LatestFrameSink sink;
        QSignalSpy spy(&sink, &LatestFrameSink::frameAvailable);
        for (int i = 1; i <= 5; ++i) {
            auto f = std::make_shared<ProcessedFrame>();
            f->seq = quint64(i);
            sink.deliver(f);
        }
        QTRY_COMPARE(spy.count(), 1);  // one notification for five frames
        QCOMPARE(sink.superseded(), 4ull);
        ProcessedFramePtr f = sink.take();
        QVERIFY(f);
        QCOMPARE(f->seq, 5ull);
        QVERIFY(!sink.take());
        QCOMPARE(sink.peekLatest()->seq, 5ull);
        // After take() the signal is armed again.
        sink.deliver(std::make_shared<ProcessedFrame>());
        QTRY_COMPARE(spy.count(), 2);
    }
};

QTEST_MAIN(TestLatestSlot)
#include "tst_latest_slot.moc"
