// The reader and the whole pipeline (no detector) against the in-process MJPEG server.
#include <QSignalSpy>
#include <QProcess>
#include <QTcpServer>
#include <QTcpSocket>
#include <algorithm>
#include <functional>
#include <QTemporaryDir>
#include <QTest>
#include <QRegularExpression>

#include "jpeg_test_data.h"
#include "pipeline/camera.h"
#include "processing/jpeg_codec.h"
#include "processing/frame_sink.h"
#include "demo/esp32_camera_server.h"
#include "processing/processing_scheduler.h"
#include "test_util.h"

using namespace vigil;

namespace {
// A raw HTTP server that answers each request head with `respond(head)` and closes. Records heads.
class RawHttpServer : public QObject {
public:
    explicit RawHttpServer(std::function<QByteArray(const QByteArray& head)> respond) : m_respond(std::move(respond))
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket* s = m_server.nextPendingConnection()) {
                connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
                connect(s, &QTcpSocket::readyRead, this, [this, s] {
                    QByteArray buffered = s->property("buffered").toByteArray() + s->readAll();
                    qsizetype end;
                    while ((end = buffered.indexOf("\r\n\r\n")) >= 0) {
                        const QByteArray head = buffered.left(end + 4);
                        buffered.remove(0, end + 4);
                        heads << head;
                        s->write(m_respond(head));
                    }
                    s->setProperty("buffered", buffered);
                });
            }
        });
    }
    bool listen(const QHostAddress& address) { return m_server.listen(address); }
    quint16 port() const { return m_server.serverPort(); }
    QList<QByteArray> heads;

private:
    QTcpServer m_server;
    std::function<QByteArray(const QByteArray&)> m_respond;
};

QByteArray basicChallenge(const char* realm)
{
    return QByteArray("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"") + realm
        + "\"\r\nContent-Length: 0\r\n\r\n";
}

bool hasAuthorization(const QByteArray& head) { return head.toLower().contains("\r\nauthorization:"); }

CameraConfig configFor(const QUrl& url, const QString& id = "cam1")
{
    CameraConfig c = test::quickCameraConfig(id, url);
    c.backoffInitialMs = 100;  // reconnect tests retry often
    c.backoffMaxMs = 400;
    return c;
}
} // namespace

class TestCameraReader : public QObject {
    Q_OBJECT
private:
    ProcessingScheduler* m_scheduler = nullptr;

private slots:
    void initTestCase() { m_scheduler = new ProcessingScheduler(2); }
    void cleanupTestCase() { delete m_scheduler; }
    // Tearing a connection down must not trip Qt's own consistency warnings. (When the server
    // process vanishes, Qt 6.4 itself reports the reply's error twice; nothing to do with us.)
    void init()
    {
        if (qstrcmp(QTest::currentTestFunction(), "reconnectsAfterServerRestart") != 0)
            QTest::failOnWarning(QRegularExpression("QNetworkReply.*Internal problem"));
    }

    void streamsEsp32FormatEndToEnd()
    {
        Esp32CameraServer server;
        QVERIFY(server.listen());
        Camera cam(configFor(server.url()), m_scheduler);
        LatestFrameSink sink;
        cam.addSink(&sink);
        cam.start();
        QTRY_COMPARE_WITH_TIMEOUT(cam.state(), CameraState::Live, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(cam.stats().processed >= 20, 5000);
        const ProcessedFramePtr f = sink.peekLatest();
        QVERIFY(f);
        QCOMPARE(f->cameraId, QStringLiteral("cam1"));
        QCOMPARE(f->sourceSize, QSize(640, 480));
        QCOMPARE(f->image.size(), QSize(640, 480));
        QVERIFY(f->captureUs > 1'600'000'000'000'000LL);  // X-Timestamp parsed (microseconds)
        QVERIFY(f->jpeg.startsWith("\xFF\xD8"));
        const StatsSnapshot s = cam.stats();
        QCOMPARE(s.decodeErrors, 0ull);
        QVERIFY(s.bytesRead > s.read * 1000);
        QVERIFY(s.latencyP99Ms > 0);
        cam.removeSink(&sink);
    }

    void gateAndOutputSizeApplyLive()
    {
        Esp32CameraServer server;
        QVERIFY(server.listen());
        CameraConfig c = configFor(server.url());
        c.skipFrames = 2;
        c.maxFps = 10;
        Camera cam(c, m_scheduler);
        cam.start();
        QTRY_VERIFY_WITH_TIMEOUT(cam.stats().read >= 60, 5000);
        StatsSnapshot s = cam.stats();
        QVERIFY(s.skippedStride >= s.read / 2 - 2);
        QVERIFY(s.droppedThrottle > 0);
        LatestFrameSink small(FrameFormat{QSize(320, 240), true, false});  // a consumer's own size
        cam.addSink(&small);
        cam.setSkipFrames(1);
        cam.setMaxFps(0);
        const quint64 before = cam.stats().processed;
        QTRY_VERIFY_WITH_TIMEOUT(cam.stats().processed >= before + 30, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(small.peekLatest() ? small.peekLatest()->image.size() : QSize(), QSize(320, 240), 2000);
        cam.removeSink(&small);
        QCOMPARE(cam.config().skipFrames, 1);
        QCOMPARE(cam.stats().reconnects, 0ull);  // live tuning never reconnects
    }

    void reconnectsAfterServerRestart()
    {
        auto* server = new Esp32CameraServer;
        QVERIFY(server->listen());
        const quint16 port = server->port();
        Camera cam(configFor(server->url()), m_scheduler);
        cam.start();
        QTRY_COMPARE_WITH_TIMEOUT(cam.state(), CameraState::Live, 5000);
        delete server;  // camera goes away
        QTRY_VERIFY_WITH_TIMEOUT(cam.state() == CameraState::Reconnecting || cam.state() == CameraState::Error, 5000);
        Esp32CameraServer again;
        QVERIFY(again.listen(QHostAddress::LocalHost, port));
        QTRY_COMPARE_WITH_TIMEOUT(cam.state(), CameraState::Live, 8000);
        QVERIFY(cam.stats().reconnects >= 1);
        const quint64 read = cam.stats().read;
        QTRY_VERIFY_WITH_TIMEOUT(cam.stats().read > read + 10, 5000);
    }

    void detectsStall()
    {
        Esp32CameraServer::Options o;
        o.mode = Esp32CameraServer::Mode::Stall;
        o.stallAfterFrames = 5;
        Esp32CameraServer server(o);
        QVERIFY(server.listen());
        Camera cam(configFor(server.url()), m_scheduler);
        QSignalSpy spy(&cam, &Camera::stateChanged);
        cam.start();
        QTRY_COMPARE_WITH_TIMEOUT(cam.state(), CameraState::Stalled, 6000);
        QVERIFY(cam.stateReason().contains("no data"));
        QVERIFY(cam.stats().read >= 5);
        // It keeps trying: the next connection goes live again.
        QTRY_VERIFY_WITH_TIMEOUT(cam.stats().reconnects >= 1, 5000);
    }

    void reportsHttp404()
    {
        Esp32CameraServer server;
        QVERIFY(server.listen());
        QUrl url = server.url();
        url.setPath("/nope");
        Camera cam(configFor(url), m_scheduler);
        cam.start();
        QTRY_COMPARE_WITH_TIMEOUT(cam.state(), CameraState::Error, 5000);
        QVERIFY2(cam.stateReason().contains("HTTP 404"), qPrintable(cam.stateReason()));
        QTRY_VERIFY_WITH_TIMEOUT(cam.stats().reconnects >= 2, 5000);  // retried, never gives up
    }

    // Reasons and log lines that name the camera never carry its secrets.
    void reasonsAreRedacted()
    {
        Esp32CameraServer server;
        QVERIFY(server.listen());
        QUrl url = server.url();
        url.setPath("/nope");
        url.setQuery("token=t0psecret&channel=1");
        url.setUserName("admin");
        url.setPassword("hunter2");
        QStringList logged;
        static QStringList* sink = nullptr;
        sink = &logged;
        const QtMessageHandler previous = qInstallMessageHandler([](QtMsgType, const QMessageLogContext&, const QString& m) {
            if (sink)
                sink->append(m);
        });
        {
            Camera cam(configFor(url), m_scheduler);
            cam.start();
            QTRY_COMPARE_WITH_TIMEOUT(cam.state(), CameraState::Error, 5000);
            QVERIFY2(cam.stateReason().contains("HTTP 404"), qPrintable(cam.stateReason()));
            logged << cam.stateReason();
        }
        qInstallMessageHandler(previous);
        sink = nullptr;
        QVERIFY(!logged.isEmpty());
        for (const QString& line : logged)
            QVERIFY2(!line.contains("t0psecret") && !line.contains("hunter2"), qPrintable(line));
    }

    void reportsHttp401AndAcceptsCredentials()
    {
        Esp32CameraServer::Options o;
        o.user = "admin";
        o.password = "s3cret";
        Esp32CameraServer server(o);
        QVERIFY(server.listen());
        {
            Camera cam(configFor(server.url()), m_scheduler);
            cam.start();
            QTRY_COMPARE_WITH_TIMEOUT(cam.state(), CameraState::Error, 5000);
            QVERIFY2(cam.stateReason().contains("401"), qPrintable(cam.stateReason()));
        }
        {
            QUrl url = server.url();
            url.setUserName("admin");
            url.setPassword("wrong");
            Camera cam(configFor(url), m_scheduler);
            cam.start();
            QTRY_COMPARE_WITH_TIMEOUT(cam.state(), CameraState::Error, 5000);
            QVERIFY2(cam.stateReason().contains("401"), qPrintable(cam.stateReason()));
        }
        {
            QUrl url = server.url();
            url.setUserName("admin");
            url.setPassword("s3cret");
            Camera cam(configFor(url), m_scheduler);
            cam.start();
            QTRY_COMPARE_WITH_TIMEOUT(cam.state(), CameraState::Live, 5000);
        }
        {
            CameraConfig c = configFor(server.url());
            c.user = "admin";
            c.password = "s3cret";
            Camera cam(c, m_scheduler);
            cam.start();
            QTRY_COMPARE_WITH_TIMEOUT(cam.state(), CameraState::Live, 5000);
        }
    }

    void reportsNonMultipartResponse()
    {
        Esp32CameraServer::Options o;
        o.mode = Esp32CameraServer::Mode::NotMultipart;
        Esp32CameraServer server(o);
        QVERIFY(server.listen());
        Camera cam(configFor(server.url()), m_scheduler);
        cam.start();
        QTRY_COMPARE_WITH_TIMEOUT(cam.state(), CameraState::Error, 5000);
        QVERIFY2(cam.stateReason().contains("not an MJPEG stream"), qPrintable(cam.stateReason()));
        QVERIFY(cam.stateReason().contains("text/html"));
    }

    void survivesServerDyingMidFrame()
    {
        Esp32CameraServer::Options o;
        o.mode = Esp32CameraServer::Mode::DieMidFrame;
        o.dieAfterFrames = 5;
        Esp32CameraServer server(o);
        QVERIFY(server.listen());
        Camera cam(configFor(server.url()), m_scheduler);
        cam.start();
        // Each connection gives 5 good frames and a torn one: the torn one is never emitted.
        QTRY_VERIFY_WITH_TIMEOUT(cam.stats().reconnects >= 2, 8000);
        QVERIFY(cam.stats().read >= 10);
        QCOMPARE(cam.stats().decodeErrors, 0ull);
    }

    void followsRedirects()
    {
        Esp32CameraServer::Options o;
        o.redirectFrom = "/old-path";
        Esp32CameraServer server(o);
        QVERIFY(server.listen());
        QUrl url = server.url();
        url.setPath("/old-path");
        Camera cam(configFor(url), m_scheduler);
        cam.start();
        QTRY_COMPARE_WITH_TIMEOUT(cam.state(), CameraState::Live, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(cam.stats().processed >= 5, 5000);
    }

    // Camera A (127.0.0.1) wants credentials, then redirects to B (127.0.0.2), which asks for
    // credentials too: B must never see them, and the reason says why the camera fails.
    void credentialsNeverLeaveTheirOrigin()
    {
        RawHttpServer b([](const QByteArray&) { return basicChallenge("other"); });
        if (!b.listen(QHostAddress("127.0.0.2")))
            QSKIP("127.0.0.2 is not available as a second loopback address");
        const QByteArray location = QStringLiteral("http://127.0.0.2:%1/stream").arg(b.port()).toLatin1();
        RawHttpServer a([location](const QByteArray& head) -> QByteArray {
            if (!hasAuthorization(head))
                return basicChallenge("camera");
            return "HTTP/1.1 302 Found\r\nLocation: " + location + "\r\nContent-Length: 0\r\n\r\n";
        });
        QVERIFY(a.listen(QHostAddress::LocalHost));
        CameraConfig c = configFor(QUrl(QStringLiteral("http://127.0.0.1:%1/stream").arg(a.port())));
        c.user = "admin";
        c.password = "s3cret";
        Camera cam(c, m_scheduler);
        cam.start();
        QTRY_VERIFY_WITH_TIMEOUT(cam.stats().reconnects >= 1 && !b.heads.isEmpty(), 8000);
        QTRY_COMPARE_WITH_TIMEOUT(cam.state(), CameraState::Error, 5000);
        const QString reason = cam.stateReason();
        QVERIFY2(reason.contains("401"), qPrintable(reason));
        QVERIFY2(reason.contains(QStringLiteral("redirected to http://127.0.0.2:%1; credentials not sent").arg(b.port())),
                 qPrintable(reason));
        cam.stop();
        QVERIFY(std::any_of(a.heads.cbegin(), a.heads.cend(), hasAuthorization));  // A got them
        for (const QByteArray& head : b.heads)
            QVERIFY2(!hasAuthorization(head), head.constData());
    }

    void sameOriginRedirectKeepsCredentials()
    {
        Esp32CameraServer::Options o;
        o.redirectFrom = "/old-path";
        o.user = "admin";
        o.password = "s3cret";
        o.size = QSize(320, 240);
        Esp32CameraServer server(o);
        QVERIFY(server.listen());
        QUrl url = server.url();
        url.setPath("/old-path");
        url.setUserName("admin");
        url.setPassword("s3cret");
        Camera cam(configFor(url), m_scheduler);
        cam.start();
        QTRY_COMPARE_WITH_TIMEOUT(cam.state(), CameraState::Live, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(cam.stats().processed >= 5, 5000);
        QVERIFY2(cam.stateReason().isEmpty(), qPrintable(cam.stateReason()));
    }

    // An ESP32 switched from QVGA to UXGA keeps streaming: only the limit matters, not a change.
    void keepsWorkingAcrossResolutionChange()
    {
        JpegEncoder enc;
        auto frame = [&](int w, int h) { return enc.encodeBgr(cv::Mat(h, w, CV_8UC3, cv::Scalar(40, 120, 200))); };
        Esp32CameraServer server;
        server.setFrames({frame(320, 240)});
        QVERIFY(server.listen());
        Camera cam(configFor(server.url()), m_scheduler);
        cam.start();
        QTRY_VERIFY_WITH_TIMEOUT(cam.latestFrame() && cam.latestFrame()->sourceSize == QSize(320, 240), 5000);
        server.setFrames({frame(1600, 1200)});
        QTRY_VERIFY_WITH_TIMEOUT(cam.latestFrame()->sourceSize == QSize(1600, 1200), 5000);
        const quint64 processed = cam.stats().processed;
        QTRY_VERIFY_WITH_TIMEOUT(cam.stats().processed >= processed + 5, 5000);
        QCOMPARE(cam.stats().decodeErrors, 0ull);
        QCOMPARE(cam.state(), CameraState::Live);
    }

    // A JPEG whose header claims more than the limit is a decode error with a clear reason, and
    // never reaches a worker; the limit is per camera.
    void refusesJpegAboveTheSizeLimit()
    {
        JpegEncoder enc;
        const QByteArray small = enc.encodeBgr(cv::Mat(48, 64, CV_8UC3, cv::Scalar(10, 20, 30)));
        Esp32CameraServer server;
        server.setFrames({test::withClaimedSize(small, 18900, 18900)});
        QVERIFY(server.listen());
        {
            Camera cam(configFor(server.url()), m_scheduler);
            cam.start();
            QTRY_VERIFY_WITH_TIMEOUT(cam.stats().decodeErrors >= 10, 5000);
            QVERIFY2(cam.stateReason().contains("JPEG claims 18900x18900, above the 8192x8192 limit"),
                     qPrintable(cam.stateReason()));
            QCOMPARE(cam.stats().processed, 0ull);
        }
        server.setFrames({enc.encodeBgr(cv::Mat(480, 640, CV_8UC3, cv::Scalar(1, 2, 3)))});
        CameraConfig c = configFor(server.url());
        c.maxJpegSize = QSize(320, 240);
        Camera cam(c, m_scheduler);
        cam.start();
        QTRY_VERIFY_WITH_TIMEOUT(cam.stats().decodeErrors >= 5, 5000);
        QVERIFY2(cam.stateReason().contains("JPEG claims 640x480, above the 320x240 limit"), qPrintable(cam.stateReason()));
        // Raised, the same camera streams again (live reconfiguration).
        c.maxJpegSize = QSize(8192, 8192);
        cam.setConfig(c);
        QTRY_VERIFY_WITH_TIMEOUT(cam.stats().processed >= 5, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(cam.stateReason().isEmpty(), 5000);
    }

    void streamsOverHttps()
    {
        if (qgetenv("VIGIL_SANITIZER") == "tsan")
            QSKIP("QProcess starts openssl with clone(); clang 14's TSan runtime aborts in the child");
        QTemporaryDir dir;
        QProcess openssl;
        openssl.start("openssl", {"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                                  "/CN=127.0.0.1", "-keyout", dir.filePath("key.pem"), "-out", dir.filePath("cert.pem")});
        if (!openssl.waitForFinished(30000) || openssl.exitCode() != 0)
            QSKIP("openssl is not available to make a test certificate");
        Esp32CameraServer::Options o;
        o.tlsCertificatePem = test::readFile(dir.filePath("cert.pem"));
        o.tlsKeyPem = test::readFile(dir.filePath("key.pem"));
        Esp32CameraServer server(o);
        QVERIFY(server.listen());
        QCOMPARE(server.url().scheme(), QStringLiteral("https"));
        {
            Camera cam(configFor(server.url()), m_scheduler);
            cam.start();
            QTRY_COMPARE_WITH_TIMEOUT(cam.state(), CameraState::Error, 8000);
            QVERIFY2(cam.stateReason().contains("certificate"), qPrintable(cam.stateReason()));
        }
        {
            CameraConfig c = configFor(server.url());
            c.acceptSelfSignedTls = true;
            Camera cam(c, m_scheduler);
            cam.start();
            QTRY_COMPARE_WITH_TIMEOUT(cam.state(), CameraState::Live, 8000);
            QTRY_VERIFY_WITH_TIMEOUT(cam.stats().processed >= 5, 8000);
        }
    }

    void reportsConnectionRefused()
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        const quint16 port = probe.serverPort();
        probe.close();  // nothing listens there now
        Camera cam(configFor(QUrl(QStringLiteral("http://127.0.0.1:%1/stream").arg(port))), m_scheduler);
        cam.start();
        QTRY_COMPARE_WITH_TIMEOUT(cam.state(), CameraState::Error, 5000);
        QVERIFY2(cam.stateReason().contains("refused"), qPrintable(cam.stateReason()));
    }

    void rejectsBadUrlWithoutCrashing()
    {
        CameraConfig c = configFor(QUrl("ftp://example/stream"));
        Camera cam(c, m_scheduler);
        cam.start();
        QTRY_COMPARE_WITH_TIMEOUT(cam.state(), CameraState::Error, 3000);
        QVERIFY(cam.stateReason().contains("http"));
    }

    void backoffGrowsAndIsCapped()
    {
        QCOMPARE(CameraReader::backoffMs(0, 500, 10000), 500);
        QCOMPARE(CameraReader::backoffMs(1, 500, 10000), 1000);
        QCOMPARE(CameraReader::backoffMs(3, 500, 10000), 4000);
        QCOMPARE(CameraReader::backoffMs(10, 500, 10000), 10000);
        QCOMPARE(CameraReader::backoffMs(60, 500, 10000), 10000);
    }
};

QTEST_MAIN(TestCameraReader)
#include "tst_camera_reader.moc"
