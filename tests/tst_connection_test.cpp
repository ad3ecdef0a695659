// The dialog's "Test connection" (ConnectionTest): it runs the camera's own reader, so every
// camera setting applies (here: accept self-signed TLS) and failures read like the reader's.
#include <QProcess>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include "capture/connection_test.h"
#include "demo/esp32_camera_server.h"
#include "jpeg_test_data.h"
#include "processing/jpeg_codec.h"
#include "test_util.h"

using namespace vigil;

namespace {
CameraConfig configFor(const QUrl& url)
{
    CameraConfig c;
    c.id = "test";
    c.url = url;
    c.connectTimeoutMs = 3000;
    c.stallTimeoutMs = 2000;
    return c;
}

struct Outcome {
    bool ok = false;
    QImage image;
    QString message;
};

Outcome runTest(const CameraConfig& config, int timeoutMs = 8000)
{
    ConnectionTest test;
    QSignalSpy spy(&test, &ConnectionTest::finished);
    test.start(config, timeoutMs);
    if (!spy.wait(timeoutMs + 5000))
        return {false, {}, "no finished() signal"};
    const QList<QVariant> args = spy.takeFirst();
    Outcome o{args.at(0).toBool(), args.at(1).value<QImage>(), args.at(2).toString()};
    // Exactly one answer per run.
    QTest::qWait(100);
    if (!spy.isEmpty())
        return {false, {}, "finished() emitted twice"};
    if (test.isRunning())
        return {false, {}, "still running after finished()"};
    return o;
}
} // namespace

class TestConnectionTest : public QObject {
    Q_OBJECT
private slots:
    void selfSignedTlsFollowsTheCameraSetting()
    {
        QTemporaryDir dir;
        QProcess openssl;
        openssl.start("openssl", {"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                                  "/CN=127.0.0.1", "-keyout", dir.filePath("key.pem"), "-out", dir.filePath("cert.pem")});
        QVERIFY2(openssl.waitForFinished(30000) && openssl.exitCode() == 0, "openssl (a test dependency) failed");
        Esp32CameraServer::Options o;
        o.size = QSize(320, 240);
        o.loopFrames = 5;
        o.tlsCertificatePem = test::readFile(dir.filePath("cert.pem"));
        o.tlsKeyPem = test::readFile(dir.filePath("key.pem"));
        Esp32CameraServer server(o);
        QVERIFY(server.listen());
        QCOMPARE(server.url().scheme(), QStringLiteral("https"));

        CameraConfig c = configFor(server.url());
        const Outcome refused = runTest(c);
        QVERIFY(!refused.ok);
        QVERIFY2(refused.message.contains("TLS certificate") && refused.message.contains("self-signed"),
                 qPrintable(refused.message));
        QVERIFY(refused.image.isNull());

        c.acceptSelfSignedTls = true;
        const Outcome accepted = runTest(c);
        QVERIFY2(accepted.ok, qPrintable(accepted.message));
        QCOMPARE(accepted.image.size(), QSize(320, 240));
        QVERIFY2(accepted.message.contains("320×240"), qPrintable(accepted.message));
    }

    void httpStatusAndCredentials()
    {
        Esp32CameraServer::Options o;
        o.size = QSize(160, 120);
        o.loopFrames = 5;
        o.user = "admin";
        o.password = "s3cret";
        Esp32CameraServer server(o);
        QVERIFY(server.listen());
        CameraConfig c = configFor(server.url());
        Outcome r = runTest(c);
        QVERIFY(!r.ok);
        QVERIFY2(r.message.startsWith("HTTP 401"), qPrintable(r.message));
        c.user = "admin";
        c.password = "s3cret";
        r = runTest(c);
        QVERIFY2(r.ok, qPrintable(r.message));
        QCOMPARE(r.image.size(), QSize(160, 120));

        QUrl missing = server.url();
        missing.setPath("/nope");
        c.url = missing;
        r = runTest(c);
        QVERIFY(!r.ok);
        QVERIFY2(r.message.startsWith("HTTP 404") && r.message.contains("/nope"), qPrintable(r.message));
    }

    void refusedAndNotMjpeg()
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        const quint16 port = probe.serverPort();
        probe.close();
        Outcome r = runTest(configFor(QUrl(QStringLiteral("http://127.0.0.1:%1/stream").arg(port))));
        QVERIFY(!r.ok);
        QVERIFY2(r.message.contains("connection refused"), qPrintable(r.message));

        Esp32CameraServer::Options o;
        o.mode = Esp32CameraServer::Mode::NotMultipart;
        Esp32CameraServer page(o);
        QVERIFY(page.listen());
        r = runTest(configFor(page.url()));
        QVERIFY(!r.ok);
        QVERIFY2(r.message.contains("not an MJPEG stream") && r.message.contains("text/html"), qPrintable(r.message));
    }

    void invalidUrlIsRedacted()
    {
        const Outcome r = runTest(configFor(QUrl("ftp://admin:hunter2@example/stream?token=abc")));
        QVERIFY(!r.ok);
        QVERIFY(!r.message.isEmpty());
        QVERIFY2(!r.message.contains("hunter2") && !r.message.contains("abc"), qPrintable(r.message));
    }

    void oversizeJpegIsRefusedWithItsReason()
    {
        Esp32CameraServer server;
        JpegEncoder enc;
        const QByteArray small = enc.encodeBgr(cv::Mat(48, 64, CV_8UC3, cv::Scalar(20, 90, 200)));
        server.setFrames({test::withClaimedSize(small, 18900, 18900)});
        QVERIFY(server.listen());
        const Outcome r = runTest(configFor(server.url()));
        QVERIFY(!r.ok);
        QVERIFY2(r.message.contains("JPEG claims 18900x18900, above the 8192x8192 limit"), qPrintable(r.message));
    }
};

QTEST_MAIN(TestConnectionTest)
#include "tst_connection_test.moc"
