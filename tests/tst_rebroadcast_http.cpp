// Rebroadcast over HTTP against a real pipeline: JSON API, snapshot, token, viewer page, and the
// MJPEG restream read back by a second vigil::Camera.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTest>
#include <memory>

#include "pipeline/camera.h"
#include "processing/jpeg_codec.h"
#include "demo/esp32_camera_server.h"
#include "processing/processing_scheduler.h"
#include "rebroadcast/rebroadcast_server.h"

using namespace vigil;

namespace {

struct Reply {
    int status = 0;
    QByteArray body;
    QByteArray contentType;
};

Reply get(const QUrl& url, const QByteArray& authorization = {})
{
    static QNetworkAccessManager nam;
    QNetworkRequest req(url);
    if (!authorization.isEmpty())
        req.setRawHeader("Authorization", authorization);
    QNetworkReply* reply = nam.get(req);
    QSignalSpy done(reply, &QNetworkReply::finished);
    if (!reply->isFinished())
        done.wait(10000);
    Reply r;
    r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    r.body = reply->readAll();
    r.contentType = reply->header(QNetworkRequest::ContentTypeHeader).toByteArray();
    reply->deleteLater();
    return r;
}

struct Pipeline {
    std::unique_ptr<ProcessingScheduler> scheduler = std::make_unique<ProcessingScheduler>(2);
    std::unique_ptr<Esp32CameraServer> source;
    std::vector<std::unique_ptr<Camera>> cameras;
    std::unique_ptr<RebroadcastServer> server = std::make_unique<RebroadcastServer>();

    ~Pipeline()
    {
        server.reset();
        cameras.clear();
        source.reset();
        scheduler.reset();
    }
    Camera* addCamera(const CameraConfig& base)
    {
        CameraConfig cfg = base;
        cfg.skipFrames = 1;
        cfg.maxFps = 30;
        cfg.detect = vigil::DetectMode::Off;
        cfg.connectTimeoutMs = 2000;
        cameras.push_back(std::make_unique<Camera>(cfg, scheduler.get()));
        cameras.back()->start();
        return cameras.back().get();
    }
    bool start(const QString& token = {})
    {
        Esp32CameraServer::Options o;
        o.user = "admin";
        o.password = "hunter2";
        o.loopFrames = 30;
        source = std::make_unique<Esp32CameraServer>(o);
        if (!source->listen())
            return false;
        QUrl url = source->url();
        url.setUserName("admin");
        url.setPassword("hunter2");
        CameraConfig cfg;
        cfg.id = "cam1";
        cfg.name = "Front door";
        cfg.url = url;
        server->addCamera(addCamera(cfg));
        RebroadcastOptions ro;
        ro.token = token;
        QString error;
        return server->start(ro, &error);
    }
    QUrl url(const QString& path, const QString& query = {}) const
    {
        QUrl u(QStringLiteral("http://127.0.0.1:%1%2").arg(server->port()).arg(path));
        if (!query.isEmpty())
            u.setQuery(query);
        return u;
    }
};

} // namespace

class TestRebroadcastHttp : public QObject {
    Q_OBJECT
private slots:
    void apiAndSnapshot();
    void mjpegRestreamReadByVigil();
    void tokenEnforced();
    void portInUse();
};

void TestRebroadcastHttp::apiAndSnapshot()
{
    Pipeline p;
    QVERIFY(p.start());
    // A second camera that never connects: listed, but no snapshot yet.
    CameraConfig dead;
    dead.id = "dead";
    dead.url = QUrl("http://127.0.0.1:9/stream");
    p.server->addCamera(p.addCamera(dead));
    QTRY_VERIFY_WITH_TIMEOUT(p.cameras[0]->stats().processed >= 3, 10000);

    const Reply cams = get(p.url("/api/cameras"));
    QCOMPARE(cams.status, 200);
    QVERIFY(cams.contentType.startsWith("application/json"));
    const QJsonArray list = QJsonDocument::fromJson(cams.body).array();
    QCOMPARE(list.size(), 2);
    const QJsonObject c0 = list[0].toObject();
    QCOMPARE(c0.value("id").toString(), QString("cam1"));
    QCOMPARE(c0.value("name").toString(), QString("Front door"));
    QCOMPARE(c0.value("state").toString(), QString("live"));
    QVERIFY(c0.contains("reason"));
    const QString url = c0.value("url").toString();
    QVERIFY2(url.startsWith("http://***:***@127.0.0.1:") && url.endsWith("/stream"), qPrintable(url));
    QVERIFY2(!cams.body.contains("hunter2") && !cams.body.contains("admin"), cams.body.constData());
    QCOMPARE(list[1].toObject().value("id").toString(), QString("dead"));

    const Reply stats = get(p.url("/api/stats"));
    QCOMPARE(stats.status, 200);
    // {"cameras": [...], "mqtt": {...}}: MQTT is off here.
    const QJsonObject statsDoc = QJsonDocument::fromJson(stats.body).object();
    QCOMPARE(statsDoc.value("mqtt").toObject().value("state").toString(), QString("off"));
    const QJsonObject s0 = statsDoc.value("cameras").toArray().at(0).toObject();
    QCOMPARE(s0.value("id").toString(), QString("cam1"));
    QCOMPARE(s0.value("state").toString(), QString("live"));
    for (const char* key : {"read", "processed", "out_fps", "skipped_stride", "superseded", "latency_ms_p50"})
        QVERIFY2(s0.contains(key), key);
    QVERIFY(s0.value("processed").toDouble() >= 3);

    const Reply snap = get(p.url("/cameras/cam1/snapshot.jpg"));
    QCOMPARE(snap.status, 200);
    QCOMPARE(snap.contentType, QByteArray("image/jpeg"));
    QVERIFY(snap.body.startsWith("\xFF\xD8"));
    JpegDecoder dec;
    QSize size;
    QVERIFY(dec.readSize(snap.body, &size));
    QCOMPARE(size, QSize(640, 480));

    QCOMPARE(get(p.url("/cameras/dead/snapshot.jpg")).status, 503);
    QCOMPARE(get(p.url("/cameras/nope/snapshot.jpg")).status, 404);
    QCOMPARE(get(p.url("/cameras/nope/stream.mjpeg")).status, 404);
    QCOMPARE(get(p.url("/nothing/here")).status, 404);

    const Reply page = get(p.url("/"));
    QCOMPARE(page.status, 200);
    QVERIFY(page.contentType.startsWith("text/html"));
    QVERIFY(page.body.contains("viewer.js"));
    const Reply js = get(p.url("/viewer.js"));
    QCOMPARE(js.status, 200);
    QVERIFY(js.body.contains("VGL1"));
}

void TestRebroadcastHttp::mjpegRestreamReadByVigil()
{
    Pipeline p;
    QVERIFY(p.start());
    QTRY_VERIFY_WITH_TIMEOUT(p.cameras[0]->stats().processed >= 3, 10000);

    // Another Vigil camera consuming our restream: it reads annotated frames through its own parser.
    CameraConfig re;
    re.id = "restream";
    re.url = p.url("/cameras/cam1/stream.mjpeg");
    Camera* consumer = p.addCamera(re);
    QTRY_VERIFY_WITH_TIMEOUT(consumer->stats().read >= 30, 15000);
    QCOMPARE(consumer->state(), CameraState::Live);
    QCOMPARE(consumer->stats().decodeErrors, quint64(0));
    QTRY_VERIFY_WITH_TIMEOUT(consumer->latestFrame() != nullptr, 5000);
    QCOMPARE(consumer->latestFrame()->sourceSize, QSize(640, 480));
    // The camera timestamp travels along (X-Timestamp).
    QVERIFY(consumer->latestFrame()->captureUs > 0);

    QCOMPARE(p.server->clientCount(), 1);
    const QList<RebroadcastClientStats> clients = p.server->clientStats();
    QCOMPARE(clients.size(), 1);
    QCOMPARE(clients[0].kind, QString("mjpeg"));
    QVERIFY(clients[0].framesSent >= 30);

    // The stream keeps flowing on the one connection (not one frame per connection).
    const StatsSnapshot before = consumer->stats();
    QTRY_VERIFY_WITH_TIMEOUT(consumer->stats().read >= before.read + 40, 20000);
    QCOMPARE(consumer->stats().reconnects, before.reconnects);

    consumer->stop();
    QTRY_COMPARE_WITH_TIMEOUT(p.server->clientCount(), 0, 5000);
}

void TestRebroadcastHttp::tokenEnforced()
{
    Pipeline p;
    QVERIFY(p.start("t0ken"));
    QTRY_VERIFY_WITH_TIMEOUT(p.cameras[0]->stats().processed >= 3, 10000);

    // Logged once per peer (no log floods), however many requests are refused.
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression("refused HTTP request without a valid token"));
    for (const QString& path : {"/", "/api/cameras", "/api/stats", "/cameras/cam1/snapshot.jpg",
                                "/cameras/cam1/stream.mjpeg", "/viewer.js"}) {
        QCOMPARE(get(p.url(path)).status, 401);
        QCOMPARE(get(p.url(path, "token=wrong")).status, 401);
    }
    QCOMPARE(get(p.url("/api/cameras", "token=t0ken")).status, 200);
    QCOMPARE(get(p.url("/api/cameras"), "Bearer t0ken").status, 200);
    QCOMPARE(get(p.url("/cameras/cam1/snapshot.jpg", "token=t0ken")).status, 200);
    // The page passes the token on to its assets.
    const Reply page = get(p.url("/", "token=t0ken"));
    QCOMPARE(page.status, 200);
    QVERIFY(page.body.contains("viewer.js?token=t0ken"));
    QCOMPARE(p.server->viewerUrl(), p.url("/", "token=t0ken"));

    CameraConfig re;
    re.id = "restream";
    re.url = p.url("/cameras/cam1/stream.mjpeg", "token=t0ken");
    Camera* consumer = p.addCamera(re);
    QTRY_VERIFY_WITH_TIMEOUT(consumer->stats().read >= 10, 15000);
}

void TestRebroadcastHttp::portInUse()
{
    Pipeline p;
    QVERIFY(p.start());
    RebroadcastServer other;
    RebroadcastOptions o;
    o.port = p.server->port();
    QString error;
    QVERIFY(!other.start(o, &error));
    QVERIFY2(error.contains(QString::number(o.port)), qPrintable(error));
    QVERIFY(!other.isRunning());
    QCOMPARE(other.port(), quint16(0));
    QVERIFY(p.server->isRunning());
    p.server->stop();
    QVERIFY(!p.server->isRunning());
    QVERIFY(other.start(o, &error));  // the port is free again
}

QTEST_GUILESS_MAIN(TestRebroadcastHttp)
#include "tst_rebroadcast_http.moc"
