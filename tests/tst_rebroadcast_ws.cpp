// Rebroadcast over WebSocket against a real pipeline: Esp32CameraServer -> Camera -> RebroadcastServer.
// JSON and VGL1 binary frames, stats messages, per-camera endpoints, token, and a stalled client.
#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>
#include <QWebSocket>
#include <QtEndian>
#include <arpa/inet.h>
#include <memory>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "pipeline/camera.h"
#include "processing/jpeg_codec.h"
#include "test_util.h"
#include "common/log.h"
#include "demo/esp32_camera_server.h"
#include "processing/processing_scheduler.h"
#include "rebroadcast/camera_feed.h"
#include "rebroadcast/frame_message.h"
#include "rebroadcast/rebroadcast_server.h"

using namespace vigil;

namespace {

// Resident set size of this process, from /proc/self/status (KiB).
struct Pipeline {
    std::unique_ptr<ProcessingScheduler> scheduler = std::make_unique<ProcessingScheduler>(2);
    std::vector<std::unique_ptr<Esp32CameraServer>> sources;
    std::vector<std::unique_ptr<Camera>> cameras;
    std::unique_ptr<RebroadcastServer> server = std::make_unique<RebroadcastServer>();

    ~Pipeline()
    {
        server.reset();  // first: detaches its sinks
        cameras.clear();
        sources.clear();
        scheduler.reset();
    }
    Camera* addCamera(const QString& id, double fps = 30)
    {
        Esp32CameraServer::Options o;
        o.fps = fps;
        o.loopFrames = 30;
        auto src = std::make_unique<Esp32CameraServer>(o);
        if (!src->listen())
            return nullptr;
        CameraConfig cfg;
        cfg.id = id;
        cfg.url = src->url();
        cfg.skipFrames = 1;
        cfg.maxFps = fps;
        cfg.detect = vigil::DetectMode::Off;
        auto cam = std::make_unique<Camera>(cfg, scheduler.get());
        cam->start();
        server->addCamera(cam.get());
        sources.push_back(std::move(src));
        cameras.push_back(std::move(cam));
        return cameras.back().get();
    }
    bool start(const QString& token = {}, qint64 backlog = 1 << 20)
    {
        RebroadcastOptions o;
        o.token = token;
        o.maxClientBacklogBytes = backlog;
        QString error;
        const bool ok = server->start(o, &error);
        if (!ok)
            qWarning() << error;
        return ok;
    }
    QUrl wsUrl(const QString& path, const QString& query = {}) const
    {
        QUrl u(QStringLiteral("ws://127.0.0.1:%1%2").arg(server->port()).arg(path));
        if (!query.isEmpty())
            u.setQuery(query);
        return u;
    }
};

// Collects what one WebSocket client receives.
struct WsClient : QObject {
    QWebSocket ws;
    QList<QJsonObject> frames;      // text frames (without "data") or binary metadata
    QList<QByteArray> jpegs;        // last few JPEGs
    QList<QJsonObject> stats;
    QList<QByteArray> rawBinary;    // last binary message
    QStringList badMessages;
    int frameCount = 0;

    explicit WsClient(const QUrl& url)
    {
        connect(&ws, &QWebSocket::textMessageReceived, this, [this](const QString& text) {
            const QJsonObject o = QJsonDocument::fromJson(text.toUtf8()).object();
            const QString type = o.value("type").toString();
            if (type == "stats") {
                stats.append(o);
            } else if (type == "frame") {
                ++frameCount;
                // A fresh object: a copy of `o` minus "data" would still hold the base64 bytes.
                QJsonObject meta;
                for (auto it = o.begin(); it != o.end(); ++it)
                    if (it.key() != "data")
                        meta.insert(it.key(), it.value());
                frames.append(meta);
                keepJpeg(QByteArray::fromBase64(o.value("data").toString().toLatin1()));
            } else {
                badMessages.append(text.left(200));
            }
        });
        connect(&ws, &QWebSocket::binaryMessageReceived, this, [this](const QByteArray& msg) {
            BinaryFrameView view;
            if (!decodeBinaryFrame(msg, &view)) {
                badMessages.append("bad binary message");
                return;
            }
            ++frameCount;
            frames.append(view.metadata);
            keepJpeg(view.jpeg);
            rawBinary = {msg};
        });
        ws.open(url);
    }
    void keepJpeg(const QByteArray& j)
    {
        jpegs.append(j);
        if (jpegs.size() > 3)
            jpegs.removeFirst();
        if (frames.size() > 2000)
            frames.remove(0, 1000);
    }
};

bool isDecodableJpeg(const QByteArray& jpeg, QSize* size)
{
    JpegDecoder dec;
    cv::Mat bgr;
    if (!dec.decodeBgr(jpeg, bgr))
        return false;
    *size = QSize(bgr.cols, bgr.rows);
    return !bgr.empty();
}

} // namespace

class TestRebroadcastWs : public QObject {
    Q_OBJECT
private slots:
    void messageEncodedOncePerMillisecond();
    void jsonFramesAndStats();
    void binaryFormat();
    void perCameraEndpoint();
    void tokenAndUnknownCamera();
    void stalledClientDoesNotSlowOthers();
};

void TestRebroadcastWs::messageEncodedOncePerMillisecond()
{
    auto f = std::make_shared<ProcessedFrame>();
    f->cameraId = "cam";
    f->seq = 7;
    f->jpeg = QByteArray("\xff\xd8jpeg\xff\xd9");
    const OutgoingFrame out(f);
    const QByteArray& a = out.binaryMessage(1000);
    const QByteArray first = a;
    // Clients served in the same millisecond share one encoded message (no copy, no re-encode).
    QVERIFY(out.binaryMessage(1000).isSharedWith(first));
    BinaryFrameView v;
    QVERIFY(decodeBinaryFrame(out.binaryMessage(1001), &v));
    QCOMPARE(qint64(v.metadata.value("sent_ts").toDouble()), qint64(1001));
    QCOMPARE(v.jpeg, f->jpeg);
    QVERIFY(decodeBinaryFrame(first, &v));
    QCOMPARE(qint64(v.metadata.value("sent_ts").toDouble()), qint64(1000));
    const QJsonObject text = QJsonDocument::fromJson(out.textMessage(1002).toUtf8()).object();
    QCOMPARE(text.value("type").toString(), QString("frame"));
    QCOMPARE(QByteArray::fromBase64(text.value("data").toString().toLatin1()), f->jpeg);
    QCOMPARE(qint64(text.value("sent_ts").toDouble()), qint64(1002));
}

void TestRebroadcastWs::jsonFramesAndStats()
{
    Pipeline p;
    QVERIFY(p.addCamera("cam1"));
    QVERIFY(p.start());
    WsClient c(p.wsUrl("/ws/cam1"));
    // Stats come every 50 processed frames (~1.7 s at 30 fps).
    QTRY_VERIFY_WITH_TIMEOUT(c.frameCount >= 20 && !c.stats.isEmpty(), 15000);
    QCOMPARE(p.server->clientCount(), 1);
    QVERIFY2(c.badMessages.isEmpty(), qPrintable(c.badMessages.join("; ")));

    quint64 lastSeq = 0;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (const QJsonObject& f : c.frames) {
        QCOMPARE(f.value("camera").toString(), QString("cam1"));
        const quint64 seq = quint64(f.value("seq").toDouble());
        QVERIFY2(seq > lastSeq, "seq must increase");
        lastSeq = seq;
        for (const char* key : {"capture_ts", "received_ts", "sent_ts", "detections"})
            QVERIFY2(f.contains(key), key);
        QVERIFY(f.value("detections").isArray());
        const double sent = f.value("sent_ts").toDouble();
        QVERIFY(sent >= f.value("received_ts").toDouble());
        QVERIFY(qAbs(now - sent) < 60000);
    }
    QSize size;
    QVERIFY(c.jpegs.last().startsWith("\xFF\xD8"));
    QVERIFY(isDecodableJpeg(c.jpegs.last(), &size));
    QCOMPARE(size, QSize(640, 480));

    const QJsonObject s = c.stats.first();
    for (const char* key : {"processed", "skipped", "total", "fps"}) {
        QVERIFY2(s.contains(key), key);
        QVERIFY2(s.value(key).isDouble(), key);
    }
    QCOMPARE(s.value("camera").toString(), QString("cam1"));
    QVERIFY(s.value("processed").toDouble() >= 50);
    QVERIFY(s.value("total").toDouble() >= s.value("processed").toDouble());
    QVERIFY(s.value("fps").toDouble() > 5);
}

void TestRebroadcastWs::binaryFormat()
{
    Pipeline p;
    QVERIFY(p.addCamera("cam1"));
    QVERIFY(p.start());
    WsClient c(p.wsUrl("/ws", "format=binary"));
    QTRY_VERIFY_WITH_TIMEOUT(c.frameCount >= 10, 10000);
    QVERIFY2(c.badMessages.isEmpty(), qPrintable(c.badMessages.join("; ")));

    // Parse the documented header by hand, independently of decodeBinaryFrame().
    const QByteArray msg = c.rawBinary.last();
    QVERIFY(msg.size() > 12);
    QCOMPARE(msg.left(4), QByteArray("VGL1"));
    const quint16 headerLen = qFromBigEndian<quint16>(msg.constData() + 4);
    const quint16 type = qFromBigEndian<quint16>(msg.constData() + 6);
    const quint32 metaLen = qFromBigEndian<quint32>(msg.constData() + 8);
    QCOMPARE(headerLen, quint16(12));
    QCOMPARE(type, quint16(1));
    QVERIFY(headerLen + metaLen < quint32(msg.size()));
    QJsonParseError err;
    const QJsonObject meta = QJsonDocument::fromJson(msg.mid(headerLen, metaLen), &err).object();
    QCOMPARE(err.error, QJsonParseError::NoError);
    QCOMPARE(meta.value("type").toString(), QString("frame"));
    QCOMPARE(meta.value("camera").toString(), QString("cam1"));
    QVERIFY(meta.value("seq").toDouble() > 0);
    QVERIFY(!meta.contains("data"));
    const QByteArray jpeg = msg.mid(headerLen + metaLen);
    QVERIFY(jpeg.startsWith("\xFF\xD8"));
    QVERIFY(jpeg.endsWith("\xFF\xD9"));
    QSize size;
    QVERIFY(isDecodableJpeg(jpeg, &size));
}

void TestRebroadcastWs::perCameraEndpoint()
{
    Pipeline p;
    QVERIFY(p.addCamera("cam1"));
    QVERIFY(p.addCamera("cam2"));
    QVERIFY(p.start());
    WsClient only2(p.wsUrl("/ws/cam2", "format=binary"));
    WsClient all(p.wsUrl("/ws", "format=binary"));
    auto count = [](const WsClient& c, const QString& id) {
        int n = 0;
        for (const QJsonObject& f : c.frames)
            n += f.value("camera").toString() == id;
        return n;
    };
    QTRY_VERIFY_WITH_TIMEOUT(count(all, "cam1") >= 10 && count(all, "cam2") >= 10 && only2.frameCount >= 10,
                             15000);
    QCOMPARE(count(only2, "cam1"), 0);
    QCOMPARE(count(only2, "cam2"), only2.frameCount);
    QCOMPARE(p.server->clientCount(), 2);
}

void TestRebroadcastWs::tokenAndUnknownCamera()
{
    Pipeline p;
    QVERIFY(p.addCamera("cam1"));
    QVERIFY(p.start("s3cret"));

    // Logged once per peer (no log floods), however many are refused.
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression("refused WebSocket without a valid token"));
    for (const QString& query : {QString(), QString("token=wrong"), QString("token=s3cre")}) {
        WsClient c(p.wsUrl("/ws/cam1", query));
        QSignalSpy closed(&c.ws, &QWebSocket::disconnected);
        QVERIFY(closed.wait(5000));
        QCOMPARE(int(c.ws.closeCode()), int(QWebSocketProtocol::CloseCodePolicyViolated));
        QCOMPARE(c.frameCount, 0);
    }
    {
        WsClient c(p.wsUrl("/ws/nope", "token=s3cret"));
        QSignalSpy closed(&c.ws, &QWebSocket::disconnected);
        QVERIFY(closed.wait(5000));
        QCOMPARE(int(c.ws.closeCode()), 4404);
        QVERIFY(c.ws.closeReason().contains("nope"));
    }
    WsClient ok(p.wsUrl("/ws/cam1", "token=s3cret&format=binary"));
    QTRY_VERIFY_WITH_TIMEOUT(ok.frameCount >= 5, 10000);
    QCOMPARE(ok.ws.state(), QAbstractSocket::ConnectedState);
}

void TestRebroadcastWs::stalledClientDoesNotSlowOthers()
{
    Pipeline p;
    QVERIFY(p.addCamera("cam1"));
    const qint64 limit = 256 * 1024;
    QVERIFY(p.start({}, limit));

    WsClient normal(p.wsUrl("/ws/cam1"));
    QTRY_VERIFY_WITH_TIMEOUT(normal.frameCount >= 10, 10000);  // warmed up
    // The normal client's share of the frames the camera produced over the next `frames` results:
    // counts, not rates, so a slow or loaded machine cannot make it fail.
    Camera* cam = p.cameras.front().get();
    auto shareOver = [&](quint64 frames) {
        const quint64 produced0 = cam->stats().processed;
        const int received0 = normal.frameCount;
        if (!QTest::qWaitFor([&] { return cam->stats().processed >= produced0 + frames; }, 30000))
            return 0.0;
        const quint64 produced = cam->stats().processed - produced0;
        // Let the frames already produced arrive (latest wins may replace at most the last one).
        (void)QTest::qWaitFor([&] { return quint64(normal.frameCount - received0) + 1 >= produced; }, 5000);
        return double(normal.frameCount - received0) / double(produced);
    };
    const double baseline = shareOver(60);
    QVERIFY2(baseline > 0.9, qPrintable(QString("baseline: %1 of the frames reached the client").arg(baseline)));

    // A client that completes the handshake and then never reads, with a tiny receive buffer so
    // that the server's backlog builds within seconds.
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    QVERIFY(fd >= 0);
    const int rcv = 4096;
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof rcv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(p.server->port());
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    QCOMPARE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    const QByteArray handshake = "GET /ws/cam1 HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                                 "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                 "Sec-WebSocket-Version: 13\r\n\r\n";
    QCOMPARE(::write(fd, handshake.constData(), size_t(handshake.size())), ssize_t(handshake.size()));
    QTRY_COMPARE_WITH_TIMEOUT(p.server->clientCount(), 2, 5000);

    auto stalled = [&]() -> RebroadcastClientStats {
        for (const RebroadcastClientStats& s : p.server->clientStats())
            if (!s.peer.endsWith(':' + QString::number(normal.ws.localPort())))
                return s;
        return {};
    };
    const qint64 rssBefore = test::residentKiB();
    // The stalled client's pending frame gets replaced: its backlog is over the limit.
    QTRY_VERIFY_WITH_TIMEOUT(stalled().framesSuperseded > 10, 20000);
    const quint64 replaced1 = stalled().framesSuperseded;
    const qint64 rssStalled = test::residentKiB();
    const double during = shareOver(60);
    const quint64 replaced2 = stalled().framesSuperseded;
    const qint64 rssAfter = test::residentKiB();
    const RebroadcastClientStats s = stalled();
    qInfo("normal client got %.2f of the frames alone, %.2f beside a stalled client; stalled: sent %llu replaced %llu backlog %lld "
          "(max %lld); RSS %+lld KiB until the backlog was full, then %+lld KiB",
          baseline, during, s.framesSent, s.framesSuperseded, s.backlogBytes, s.maxBacklogBytes,
          rssStalled - rssBefore, rssAfter - rssStalled);
    QVERIFY2(replaced2 > replaced1, "replacements must keep growing while the client is stalled");
    QVERIFY2(during >= 0.9, "a stalled client must not cost a normal one its frames");
    // Backlog bounded: the limit plus at most one message (a base64 frame is < 200 KiB here).
    QVERIFY(s.maxBacklogBytes < limit + 300 * 1024);
    // Sanitizers keep freed memory in quarantine: RSS says nothing there.
    if (qEnvironmentVariableIsEmpty("VIGIL_SANITIZER"))
        QVERIFY2(rssAfter - rssBefore < 10 * 1024, "memory must not grow with a stalled client");
    ::close(fd);
    QTRY_COMPARE_WITH_TIMEOUT(p.server->clientCount(), 1, 5000);
}

QTEST_GUILESS_MAIN(TestRebroadcastWs)
#include "tst_rebroadcast_ws.moc"
