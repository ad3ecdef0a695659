// GET /cameras/<id>/source.mjpeg against a real camera: the in-process ESP32 server (a fixed set
// of distinct JPEGs) -> vigil::Camera -> RebroadcastServer -> QTcpSocket viewers parsing the
// multipart body. Every viewer gets every frame the reader read, byte for byte, with the camera's
// X-Timestamp; a stalled viewer costs the others nothing.
#include <QRegularExpression>
#include <QSet>
#include <QTcpSocket>
#include <QTest>
#include <arpa/inet.h>
#include <memory>
#include <mutex>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "demo/esp32_camera_server.h"
#include "demo/scene_renderer.h"
#include "pipeline/camera.h"
#include "processing/processing_scheduler.h"
#include "rebroadcast/rebroadcast_server.h"
#include "test_util.h"

using namespace vigil;

namespace {

constexpr char kToken[] = "s3cret";
constexpr int kDistinctFrames = 10;

// One viewer: sends the request, then parses the status line and every multipart part.
class SourceClient : public QObject {
public:
    struct Part {
        QByteArray jpeg;
        QByteArray timestamp;  // X-Timestamp, empty if none
    };

    SourceClient(quint16 port, const QByteArray& target)
    {
        connect(&m_socket, &QTcpSocket::readyRead, this, &SourceClient::onReadyRead);
        connect(&m_socket, &QTcpSocket::disconnected, this, [this] { closed = true; });
        m_socket.connectToHost(QHostAddress::LocalHost, port);
        m_socket.write("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    }

    int status = 0;               // 0 until the response head arrived
    QByteArray contentType;
    QList<Part> parts;
    QString error;                // the first framing problem
    bool closed = false;

    void abortMidStream() { m_socket.abort(); }
    void disconnectGracefully() { m_socket.disconnectFromHost(); }

private:
    void onReadyRead()
    {
        m_buffer += m_socket.readAll();
        if (status == 0) {
            const qsizetype end = m_buffer.indexOf("\r\n\r\n");
            if (end < 0)
                return;
            const QList<QByteArray> lines = m_buffer.left(end).split('\n');
            status = lines.value(0).split(' ').value(1).toInt();
            for (const QByteArray& l : lines)
                if (l.toLower().startsWith("content-type:"))
                    contentType = l.mid(13).trimmed();
            m_buffer.remove(0, end + 4);
        }
        if (status != 200)
            return;
        while (error.isEmpty() && parsePart()) {
        }
    }

    // One complete part off the front of the buffer; false when more bytes are needed.
    bool parsePart()
    {
        const QByteArray delimiter = "--vigilframe\r\n";
        if (m_buffer.size() < delimiter.size())
            return false;
        if (!m_buffer.startsWith(delimiter)) {
            error = "no boundary where a part should start: " + QString::fromLatin1(m_buffer.left(40).toHex());
            return false;
        }
        const qsizetype headEnd = m_buffer.indexOf("\r\n\r\n");
        if (headEnd < 0)
            return false;
        qsizetype length = -1;
        Part part;
        bool jpegType = false;
        for (const QByteArray& line : m_buffer.mid(delimiter.size(), headEnd - delimiter.size()).split('\n')) {
            const qsizetype colon = line.indexOf(':');
            const QByteArray name = line.left(colon).trimmed().toLower();
            const QByteArray value = line.mid(colon + 1).trimmed();
            if (name == "content-length")
                length = value.toLongLong();
            else if (name == "x-timestamp")
                part.timestamp = value;
            else if (name == "content-type")
                jpegType = value == "image/jpeg";
        }
        if (length < 0 || !jpegType) {
            error = "part head without Content-Length or image/jpeg";
            return false;
        }
        const qsizetype bodyStart = headEnd + 4;
        if (m_buffer.size() < bodyStart + length + 2)
            return false;
        part.jpeg = m_buffer.mid(bodyStart, length);
        if (m_buffer.mid(bodyStart + length, 2) != "\r\n") {
            error = "part not followed by CRLF";
            return false;
        }
        m_buffer.remove(0, bodyStart + length + 2);
        parts.append(part);
        return true;
    }

    QTcpSocket m_socket;
    QByteArray m_buffer;
};

// What the camera's reader read, from a frame tap of the test's own (reader thread).
struct ReadLog {
    std::mutex mutex;
    QList<SourceClient::Part> frames;
    void add(const EncodedFrame& f)
    {
        std::lock_guard lock(mutex);
        frames.append({f.jpeg, f.header("X-Timestamp")});
    }
    QList<SourceClient::Part> take()
    {
        std::lock_guard lock(mutex);
        return frames;
    }
};

// A viewer that connects, asks for the stream and never reads (tiny receive buffer).
int openStalledViewer(quint16 port, const QByteArray& target)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    const int rcv = 4096;
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof rcv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return -1;
    }
    const QByteArray request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    if (::write(fd, request.constData(), size_t(request.size())) != request.size()) {
        ::close(fd);
        return -1;
    }
    return fd;
}

struct Rig {
    QList<QByteArray> jpegs = renderDemoLoop(QSize(640, 480), kDistinctFrames, 85);
    std::unique_ptr<ProcessingScheduler> scheduler = std::make_unique<ProcessingScheduler>(1);
    std::unique_ptr<Esp32CameraServer> source;
    std::unique_ptr<Camera> camera;
    std::unique_ptr<RebroadcastServer> server = std::make_unique<RebroadcastServer>();
    ReadLog readLog;

    ~Rig()
    {
        server.reset();
        if (camera)
            camera->removeFrameTap(&readLog);
        camera.reset();
        source.reset();
        scheduler.reset();
    }
    // The camera is registered but not started: viewers can connect before its first frame.
    bool start(qint64 maxBacklogBytes = 1 << 20)
    {
        Esp32CameraServer::Options o;
        o.fps = 25;
        source = std::make_unique<Esp32CameraServer>(o);
        source->setFrames(jpegs);
        if (!source->listen())
            return false;
        camera = std::make_unique<Camera>(test::quickCameraConfig("cam", source->url()), scheduler.get());
        camera->addFrameTap(&readLog, [this](const EncodedFrame& f) { readLog.add(f); });
        server->addCamera(camera.get());
        RebroadcastOptions ro;
        ro.token = kToken;
        ro.maxClientBacklogBytes = maxBacklogBytes;
        QString error;
        return server->start(ro, &error);
    }
    QByteArray target(const QString& camera = "cam", bool withToken = true) const
    {
        return "/cameras/" + camera.toUtf8() + "/source.mjpeg" + (withToken ? QByteArray("?token=") + kToken : QByteArray());
    }
    // Reads until the reader has read `frames`, then stops it; returns what it read.
    QList<SourceClient::Part> readThenStop(quint64 frames)
    {
        camera->start();
        if (!QTest::qWaitFor([&] { return camera->stats().read >= frames; }, 20000))
            return {};
        camera->stop();
        // stop() is queued to the reader: wait until it reads no more.
        quint64 last = 0;
        do {
            last = camera->stats().read;
            QTest::qWait(300);
        } while (camera->stats().read != last);
        return readLog.take();
    }
    QList<RebroadcastClientStats> sourceStats() const
    {
        QList<RebroadcastClientStats> out;
        for (const RebroadcastClientStats& s : server->clientStats())
            if (s.kind == "source")
                out.append(s);
        return out;
    }
};

// Index of the JPEG in the camera's set, -1 if it is none of them (bytes changed).
int indexIn(const QList<QByteArray>& jpegs, const QByteArray& jpeg)
{
    return int(jpegs.indexOf(jpeg));
}

} // namespace

class TestSourceMjpeg : public QObject {
    Q_OBJECT
private slots:
    void everyFrameToEveryViewer();
    void stalledViewerCostsOthersNothing();
    void tokenAndUnknownCamera();
    void viewersLeavingMidStream();
};

void TestSourceMjpeg::everyFrameToEveryViewer()
{
    Rig rig;
    QVERIFY(rig.start());
    QCOMPARE(QSet<QByteArray>(rig.jpegs.begin(), rig.jpegs.end()).size(), kDistinctFrames);
    QCOMPARE(rig.camera->frameTapCount(), 1);  // the test's own; no viewer yet

    std::vector<std::unique_ptr<SourceClient>> viewers;
    for (int i = 0; i < 5; ++i)
        viewers.push_back(std::make_unique<SourceClient>(rig.server->port(), rig.target()));
    for (const auto& v : viewers)
        QTRY_COMPARE_WITH_TIMEOUT(v->status, 200, 10000);
    QCOMPARE(viewers[0]->contentType, QByteArray("multipart/x-mixed-replace; boundary=vigilframe"));
    QCOMPARE(rig.camera->frameTapCount(), 6);  // one tap per connected viewer

    const QList<SourceClient::Part> read = rig.readThenStop(75);
    QVERIFY(read.size() >= 75);
    QCOMPARE(quint64(read.size()), rig.camera->stats().read);
    for (const auto& v : viewers) {
        QTRY_COMPARE_WITH_TIMEOUT(v->parts.size(), read.size(), 10000);
        QVERIFY2(v->error.isEmpty(), qPrintable(v->error));
        for (qsizetype i = 0; i < read.size(); ++i) {
            const SourceClient::Part& got = v->parts[i];
            // Byte-identical to what the reader read and to one of the camera's own JPEGs...
            QVERIFY2(got.jpeg == read[i].jpeg, qPrintable(QString("frame %1 differs").arg(i)));
            const int index = indexIn(rig.jpegs, got.jpeg);
            QVERIFY(index >= 0);
            // ... in the camera's order, none missing ...
            if (i > 0)
                QCOMPARE(index, (indexIn(rig.jpegs, v->parts[i - 1].jpeg) + 1) % kDistinctFrames);
            // ... with the camera's timestamp as it sent it.
            QVERIFY(!got.timestamp.isEmpty());
            QCOMPARE(got.timestamp, read[i].timestamp);
            QVERIFY2(QRegularExpression("^\\d+\\.\\d{6}$").match(QString::fromLatin1(got.timestamp)).hasMatch(),
                     got.timestamp.constData());
        }
    }
    const QList<RebroadcastClientStats> stats = rig.sourceStats();
    QCOMPARE(stats.size(), 5);
    for (const RebroadcastClientStats& s : stats) {
        QCOMPARE(s.framesSent, quint64(read.size()));
        QCOMPARE(s.framesSuperseded, quint64(0));
        QCOMPARE(s.path, QString("/cameras/cam/source.mjpeg"));  // no token
    }
}

void TestSourceMjpeg::stalledViewerCostsOthersNothing()
{
    Rig rig;
    // A small backlog so that the stalled viewer hits it within a few frames.
    QVERIFY(rig.start(128 * 1024));
    const int stalled = openStalledViewer(rig.server->port(), rig.target());
    QVERIFY(stalled >= 0);
    std::vector<std::unique_ptr<SourceClient>> viewers;
    for (int i = 0; i < 3; ++i)
        viewers.push_back(std::make_unique<SourceClient>(rig.server->port(), rig.target()));
    for (const auto& v : viewers)
        QTRY_COMPARE_WITH_TIMEOUT(v->status, 200, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(rig.sourceStats().size(), 4, 10000);

    rig.camera->start();
    QTRY_VERIFY_WITH_TIMEOUT(rig.camera->stats().read >= 50, 20000);
    auto stalledSkipped = [&] {
        for (const RebroadcastClientStats& s : rig.sourceStats())
            if (s.framesSuperseded > 0)
                return s.framesSuperseded;
        return quint64(0);
    };
    QTRY_VERIFY_WITH_TIMEOUT(stalledSkipped() > 0, 20000);
    const quint64 skippedBefore = stalledSkipped();
    QTRY_VERIFY_WITH_TIMEOUT(stalledSkipped() > skippedBefore + 10, 20000);  // and it keeps growing

    const QList<SourceClient::Part> read = rig.readThenStop(100);
    QVERIFY(read.size() >= 100);
    for (const auto& v : viewers) {
        QTRY_COMPARE_WITH_TIMEOUT(v->parts.size(), read.size(), 10000);
        QVERIFY2(v->error.isEmpty(), qPrintable(v->error));
        for (qsizetype i = 0; i < read.size(); ++i)
            QVERIFY(v->parts[i].jpeg == read[i].jpeg);
    }
    int stalledSeen = 0;
    for (const RebroadcastClientStats& s : rig.sourceStats()) {
        if (s.framesSuperseded == 0) {
            QCOMPARE(s.framesSent, quint64(read.size()));
            continue;
        }
        ++stalledSeen;
        // Bounded: one frame beyond the backlog limit in Vigil, the rest was skipped.
        QVERIFY(s.framesSent < quint64(read.size()));
        QVERIFY(s.backlogBytes <= 128 * 1024 + rig.jpegs.front().size() * 2);
        QVERIFY(s.framesSent + s.framesSuperseded <= quint64(read.size()));
    }
    QCOMPARE(stalledSeen, 1);
    ::close(stalled);
    QTRY_COMPARE_WITH_TIMEOUT(rig.sourceStats().size(), 3, 10000);
}

void TestSourceMjpeg::tokenAndUnknownCamera()
{
    Rig rig;
    QVERIFY(rig.start());
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression("refused HTTP request without a valid token"));
    SourceClient noToken(rig.server->port(), rig.target("cam", false));
    SourceClient wrongToken(rig.server->port(), "/cameras/cam/source.mjpeg?token=nope");
    SourceClient unknown(rig.server->port(), rig.target("nope"));
    SourceClient unknownNoToken(rig.server->port(), rig.target("nope", false));
    QTRY_COMPARE_WITH_TIMEOUT(noToken.status, 401, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(wrongToken.status, 401, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(unknown.status, 404, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(unknownNoToken.status, 401, 10000);  // the token is checked first
    QTRY_VERIFY_WITH_TIMEOUT(noToken.closed && unknown.closed, 10000);
    QCOMPARE(rig.server->clientCount(), 0);
    QCOMPARE(rig.camera->frameTapCount(), 1);  // none of them became a viewer

    // Bearer works as for every endpoint.
    QTcpSocket bearer;
    QByteArray got;
    connect(&bearer, &QTcpSocket::readyRead, &bearer, [&] { got += bearer.readAll(); });
    bearer.connectToHost(QHostAddress::LocalHost, rig.server->port());
    bearer.write(QByteArray("GET /cameras/cam/source.mjpeg HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ")
                 + kToken + "\r\n\r\n");
    QTRY_VERIFY_WITH_TIMEOUT(got.contains("\r\n\r\n"), 10000);
    QVERIFY2(got.startsWith("HTTP/1.1 200"), got.constData());
}

void TestSourceMjpeg::viewersLeavingMidStream()
{
    Rig rig;
    QVERIFY(rig.start());
    rig.camera->start();
    QTRY_VERIFY_WITH_TIMEOUT(rig.camera->stats().read >= 5, 20000);

    std::vector<std::unique_ptr<SourceClient>> viewers;
    for (int i = 0; i < 6; ++i)
        viewers.push_back(std::make_unique<SourceClient>(rig.server->port(), rig.target()));
    for (const auto& v : viewers)
        QTRY_VERIFY_WITH_TIMEOUT(v->parts.size() >= 3, 10000);
    QCOMPARE(rig.server->clientCount(), 6);
    QCOMPARE(rig.camera->frameTapCount(), 7);

    // Reset in the middle of the stream, closed politely, and destroyed outright.
    viewers[0]->abortMidStream();
    viewers[1]->disconnectGracefully();
    viewers[2].reset();
    QTRY_COMPARE_WITH_TIMEOUT(rig.server->clientCount(), 3, 10000);
    QCOMPARE(rig.camera->frameTapCount(), 4);
    // The others carry on.
    const qsizetype before = viewers[3]->parts.size();
    QTRY_VERIFY_WITH_TIMEOUT(viewers[3]->parts.size() >= before + 10, 10000);
    QVERIFY(viewers[3]->error.isEmpty());

    // The camera goes away under two viewers: they are closed, its taps are gone.
    viewers[3].reset();
    QTRY_COMPARE_WITH_TIMEOUT(rig.server->clientCount(), 2, 10000);
    rig.server->removeCamera(rig.camera.get());
    QCOMPARE(rig.camera->frameTapCount(), 1);  // removeCamera took them off at once
    QTRY_VERIFY_WITH_TIMEOUT(viewers[4]->closed && viewers[5]->closed, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(rig.server->clientCount(), 0, 10000);
    rig.camera->removeFrameTap(&rig.readLog);
    QCOMPARE(rig.camera->frameTapCount(), 0);  // nobody watches: no tap at all
    rig.camera.reset();
    QTest::qWait(200);  // the server thread must not touch the deleted camera
}

QTEST_GUILESS_MAIN(TestSourceMjpeg)
#include "tst_source_mjpeg.moc"
