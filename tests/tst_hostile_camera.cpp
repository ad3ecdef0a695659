// Hostile cameras (issue 15): for each case a raw in-process server misbehaves while a normal
// ESP32-format camera runs beside it. Vigil must stay within a fixed memory budget, keep reading
// the normal camera, show a clear reason for the hostile one, and stop it promptly.
#include <QElapsedTimer>
#include <QRegularExpression>
#include <QTest>

#include "demo/esp32_camera_server.h"
#include "hostile_camera_server.h"
#include "pipeline/camera.h"
#include "processing/processing_scheduler.h"

using namespace vigil;
using test::HostileCameraServer;
using Case = HostileCameraServer::Case;

#if defined(__SANITIZE_ADDRESS__)
#define VIGIL_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define VIGIL_ASAN 1
#endif
#endif

namespace {
// Growth of the resident set over the case's start. The read buffer (1 MiB), the largest part
// (8 MiB) and Qt's own buffers fit many times over; the cases used to take gigabytes.
#ifdef VIGIL_ASAN
constexpr qint64 kRssBudgetKiB = 0;  // ASan's shadow memory and quarantine: not measured
#else
constexpr qint64 kRssBudgetKiB = 96 * 1024;
#endif

CameraConfig configFor(const QString& id, const QUrl& url)
{
    return test::quickCameraConfig(id, url);
}

} // namespace

class TestHostileCamera : public QObject {
    Q_OBJECT
private:
    ProcessingScheduler* m_scheduler = nullptr;
    Esp32CameraServer* m_normalServer = nullptr;
    Camera* m_normal = nullptr;

private slots:
    void initTestCase()
    {
        m_scheduler = new ProcessingScheduler(2);
        Esp32CameraServer::Options o;
        o.size = QSize(320, 240);
        o.loopFrames = 10;
        m_normalServer = new Esp32CameraServer(o);
        QVERIFY(m_normalServer->listen());
        m_normal = new Camera(configFor("normal", m_normalServer->url()), m_scheduler);
        m_normal->start();
        QTRY_COMPARE_WITH_TIMEOUT(m_normal->state(), CameraState::Live, 5000);
    }
    void cleanupTestCase()
    {
        delete m_normal;
        delete m_normalServer;
        delete m_scheduler;
    }

    void survives_data()
    {
        QTest::addColumn<int>("hostileCase");
        for (Case c : HostileCameraServer::allCases())
            QTest::newRow(HostileCameraServer::name(c)) << int(c);
    }

    void survives()
    {
        QFETCH(int, hostileCase);
        const Case c = Case(hostileCase);
        HostileCameraServer server(c);
        QVERIFY(server.listen());

        const qint64 baseKiB = test::residentKiB();
        qint64 peakKiB = baseKiB;
        QTimer sampler;
        connect(&sampler, &QTimer::timeout, this, [&] { peakKiB = std::max(peakKiB, test::residentKiB()); });
        sampler.start(20);

        const quint64 normalBefore = m_normal->stats().read;
        auto hostile = std::make_unique<Camera>(configFor("hostile", server.url()), m_scheduler);
        QElapsedTimer clock;
        clock.start();
        hostile->start();
        const QRegularExpression expected = HostileCameraServer::expectedReason(c);
        QTRY_VERIFY2_WITH_TIMEOUT(expected.match(hostile->stateReason()).hasMatch(),
                                  qPrintable(QStringLiteral("%1: %2").arg(stateName(hostile->state()),
                                                                          hostile->stateReason())),
                                  15000);
        const qint64 clearMs = clock.elapsed();
        const QString reason = hostile->stateReason();
        // Keep it going through at least one more connection: nothing accumulates across retries.
        const int connections = server.connections();
        QTRY_VERIFY_WITH_TIMEOUT(server.connections() > connections || clock.elapsed() > clearMs + 3000, 6000);
        QVERIFY(hostile->state() != CameraState::Idle);

        // The normal camera kept reading meanwhile, at its full rate.
        QTRY_VERIFY_WITH_TIMEOUT(m_normal->stats().read >= normalBefore + 30, 10000);
        QTRY_VERIFY2_WITH_TIMEOUT(m_normal->stats().readFps >= 20,
                                  qPrintable(QString::number(m_normal->stats().readFps)), 5000);

        QElapsedTimer stopClock;
        stopClock.start();
        hostile->stop();
        const qint64 stopMs = stopClock.elapsed();
        hostile.reset();
        sampler.stop();
        peakKiB = std::max(peakKiB, test::residentKiB());
        qInfo("%s: clear reason after %lld ms, stop() %lld ms, RSS %lld -> peak %lld KiB, %lld bytes sent: %s",
              HostileCameraServer::name(c), clearMs, stopMs, baseKiB, peakKiB, server.bytesSent(),
              qPrintable(reason));
        QVERIFY2(stopMs < 1000, qPrintable(QString::number(stopMs)));
        // Qt 6.4's HTTP layer may hold the data of a huge chunked-encoding chunk without handing it
        // to the reader (it does on some runs, not others): that case is bounded only by the stall
        // timeout x the sender's rate, so it gets a budget sized for that, not the parser's.
        const qint64 budgetKiB = c == Case::HugeChunk ? 16 * kRssBudgetKiB : kRssBudgetKiB;
        if (budgetKiB > 0)
            QVERIFY2(peakKiB - baseKiB < budgetKiB,
                     qPrintable(QStringLiteral("RSS grew by %1 KiB").arg(peakKiB - baseKiB)));
    }
};

QTEST_MAIN(TestHostileCamera)
#include "tst_hostile_camera.moc"
