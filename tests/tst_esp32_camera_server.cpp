// The built-in ESP32-format camera server survives clients that go away mid-stream, on either side:
// the server closing in the middle of a frame (DieMidFrame) and clients aborting while frames are
// being written. Run under ASan this catches a client freed while the server still writes to it.
#include <QElapsedTimer>
#include <functional>
#include <QTcpSocket>
#include <QTest>

#include "demo/esp32_camera_server.h"

using namespace vigil;

namespace {

// Requests the stream and reads until `until` says stop or the server closes; returns bytes read.
qint64 readStream(quint16 port, const std::function<bool(qint64)>& until, bool abortAtEnd)
{
    QTcpSocket s;
    qint64 got = 0;
    QObject::connect(&s, &QTcpSocket::readyRead, &s, [&] { got += s.readAll().size(); });
    s.connectToHost(QHostAddress::LocalHost, port);
    s.write("GET /stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    QElapsedTimer t;
    t.start();
    while (s.state() != QAbstractSocket::UnconnectedState && !until(got) && t.elapsed() < 10000)
        QTest::qWait(1);
    if (abortAtEnd)
        s.abort();
    return got;
}

} // namespace

class TestEsp32CameraServer : public QObject {
    Q_OBJECT
private slots:
    void serverDiesMidFrameManyTimes();
    void clientsAbortMidStreamManyTimes();
};

void TestEsp32CameraServer::serverDiesMidFrameManyTimes()
{
    Esp32CameraServer::Options o;
    o.fps = 200;
    o.loopFrames = 3;
    o.size = QSize(320, 240);
    o.mode = Esp32CameraServer::Mode::DieMidFrame;
    for (int dieAfter : {0, 1, 2}) {
        o.dieAfterFrames = dieAfter;
        Esp32CameraServer server(o);
        QVERIFY(server.listen());
        for (int i = 0; i < 30; ++i) {
            const qint64 got = readStream(server.port(), [](qint64) { return false; }, false);
            QVERIFY2(got > 0, "the server answered before closing");
        }
        QTRY_COMPARE_WITH_TIMEOUT(server.clientCount(), 0, 5000);
    }
}

void TestEsp32CameraServer::clientsAbortMidStreamManyTimes()
{
    Esp32CameraServer::Options o;
    o.fps = 200;
    o.loopFrames = 3;
    o.size = QSize(320, 240);
    Esp32CameraServer server(o);
    QVERIFY(server.listen());
    for (int i = 0; i < 100; ++i)
        readStream(server.port(), [i](qint64 got) { return got > 1000 + 997 * (i % 40); }, true);
    QTRY_COMPARE_WITH_TIMEOUT(server.clientCount(), 0, 5000);
    // Still serving.
    const qint64 got = readStream(server.port(), [](qint64 n) { return n > 200000; }, true);
    QVERIFY(got > 200000);
    QVERIFY(server.framesSent() > 0);
}

QTEST_GUILESS_MAIN(TestEsp32CameraServer)
#include "tst_esp32_camera_server.moc"
