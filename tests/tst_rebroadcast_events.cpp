// Events over the rebroadcast server, real sockets on 127.0.0.1: GET /api/events with every filter,
// one event with its track, its files byte for byte (the clip streamed in chunks), hostile ids and
// parameters, the token on every route, DELETE through a running EventService, events off, and
// event messages on /ws and /ws/<camera>.
//
// The store is filled by a writer EventStore on the test thread. For the read tests the service
// is attached but not started (recording off: it holds no lock), so the writer may stay open and
// keep an event in progress; the delete test closes the writer first and starts the service,
// which then holds the folder's writer lock.
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>
#include <cmath>
#include <memory>

#include "events/event.h"
#include "events/event_service.h"
#include "events/event_store.h"
#include "pipeline/camera.h"
#include "processing/processing_scheduler.h"
#include "rebroadcast/rebroadcast_server.h"

using namespace vigil;

namespace {

struct Reply {
    int status = 0;
    QByteArray body;
    QByteArray contentType;
    QJsonDocument json() const { return QJsonDocument::fromJson(body); }
};

Reply send(const QUrl& url, const QByteArray& verb = "GET", const QByteArray& authorization = {})
{
    static QNetworkAccessManager nam;
    QNetworkRequest req(url);
    if (!authorization.isEmpty())
        req.setRawHeader("Authorization", authorization);
    QNetworkReply* reply = nam.sendCustomRequest(req, verb);
    QSignalSpy done(reply, &QNetworkReply::finished);
    if (!reply->isFinished())
        done.wait(15000);
    Reply r;
    r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    r.body = reply->readAll();
    r.contentType = reply->header(QNetworkRequest::ContentTypeHeader).toByteArray();
    reply->deleteLater();
    return r;
}

// One raw request, exactly as written (QUrl would normalise "..", "%2F" and the like). Returns
// everything received until the server closed the connection.
QByteArray exchange(quint16 port, const QByteArray& request, int timeoutMs = 10000)
{
    QTcpSocket s;
    QByteArray got;
    QObject::connect(&s, &QTcpSocket::readyRead, &s, [&] { got += s.readAll(); });
    s.connectToHost(QHostAddress::LocalHost, port);
    s.write(request);
    QElapsedTimer t;
    t.start();
    while (s.state() != QAbstractSocket::UnconnectedState && t.elapsed() < timeoutMs)
        QTest::qWait(5);
    got += s.readAll();
    return got;
}

int statusOf(const QByteArray& response)
{
    return response.startsWith("HTTP/1.1 ") ? response.mid(9, 3).toInt() : 0;
}

QByteArray bodyOf(const QByteArray& response)
{
    const qsizetype end = response.indexOf("\r\n\r\n");
    return end < 0 ? QByteArray() : response.mid(end + 4);
}

QStringList idsOf(const QJsonArray& list)
{
    QStringList out;
    for (const QJsonValue& v : list)
        out << v.toObject().value("id").toString();
    return out;
}

QByteArray randomBytes(qsizetype n, QByteArray prefix = {})
{
    QByteArray b = prefix;
    b.resize(n);
    for (qsizetype i = prefix.size(); i < n; ++i)
        b[i] = char(QRandomGenerator::global()->generate() & 0xff);
    return b;
}

// What the test wrote, to compare with what the server sends.
struct Written {
    QByteArray clean, boxed, thumb, clip;
};

// A events folder with four events (newest last):
//   e1 front person  zone drive   ended, all three pictures and a 3 MB clip
//   e2 front car                  ended, no files
//   e3 back  person  zone porch   in progress, clean snapshot only
//   e4 back  dog                  ended
struct EventsFolder {
    QTemporaryDir tmp;
    QString dir;
    std::unique_ptr<EventStore> writer;
    Written files;
    double base = std::floor(double(QDateTime::currentMSecsSinceEpoch()) / 1000.0) - 3600;  // recent: retention keeps them

    // Empty on success, else what failed.
    QString fill()
    {
        dir = tmp.path() + "/events";
        EventStore::Options o;
        o.dir = dir;
        o.minFreeBytes = 0;  // a full test disk must not pause recording here
        writer = std::make_unique<EventStore>(o);
        if (const StoreResult r = writer->open(); !r)
            return r.error;
        const auto make = [&](const QString& id, const QString& camera, const QString& label, double start,
                              const QStringList& zones, bool ended) {
            Event e;
            e.id = id;
            e.camera = camera;
            e.cameraName = camera.toUpper();
            e.label = label;
            e.startTime = base + start;
            if (ended)
                e.endTime = base + start + 20;
            e.topScore = 0.9;
            e.zones = zones;
            e.box = QRectF(10, 20, 30, 40);
            e.track = {{base + start, QRectF(1, 2, 3, 4), 0.7}, {base + start + 1, QRectF(2, 3, 4, 5), 0.9}};
            return writer->insert(e);
        };
        for (const StoreResult& r : {make("e1", "front", "person", 100, {"drive"}, true),
                                     make("e2", "front", "car", 200, {}, true),
                                     make("e3", "back", "person", 300, {"porch"}, false),
                                     make("e4", "back", "dog", 400, {}, true)})
            if (!r)
                return r.error;
        files.clean = randomBytes(5000, "\xFF\xD8" "clean");
        files.boxed = randomBytes(6000, "\xFF\xD8" "boxed");
        files.thumb = randomBytes(700, "\xFF\xD8" "thumb");
        files.clip = randomBytes(3 * 1024 * 1024 + 17, "\x1A\x45\xDF\xA3");  // many chunks, odd tail
        QFile part(writer->clipPartPath("e1"));
        if (!part.open(QIODevice::WriteOnly) || part.write(files.clip) != files.clip.size())
            return "cannot write " + part.fileName();
        part.close();
        for (const StoreResult& r : {writer->writeSnapshot("e1", SnapshotKind::BoundingBox, files.boxed),
                                     writer->writeSnapshot("e1", SnapshotKind::Thumbnail, files.thumb),
                                     writer->writeSnapshot("e1", SnapshotKind::Clean, files.clean),
                                     writer->attachClip("e1", writer->clipPartPath("e1")),
                                     writer->writeSnapshot("e3", SnapshotKind::Clean, files.clean)})
            if (!r)
                return r.error;
        return {};
    }

    std::unique_ptr<EventService> service()
    {
        EventService::Options o;
        o.settings.folder = dir;
        o.node = "test";
        return std::make_unique<EventService>(o);
    }

    // The JSON the store itself gives (what the server must send unchanged).
    QJsonArray expected(const QStringList& ids) const
    {
        QJsonArray out;
        for (const QString& id : ids)
            out.append(toJson(*writer->event(id, false), false));
        return out;
    }
};

struct Server {
    std::unique_ptr<RebroadcastServer> server = std::make_unique<RebroadcastServer>();
    QString token;

    bool start(const QString& t = {})
    {
        token = t;
        RebroadcastOptions o;
        o.token = t;
        QString error;
        return server->start(o, &error);
    }
    QUrl url(const QString& path, QString query = {}) const
    {
        QUrl u(QStringLiteral("http://127.0.0.1:%1%2").arg(server->port()).arg(path));
        if (!token.isEmpty())
            query = query.isEmpty() ? "token=" + token : query + "&token=" + token;
        if (!query.isEmpty())
            u.setQuery(query);
        return u;
    }
    Reply get(const QString& path, const QString& query = {}) const { return send(url(path, query)); }
    Reply del(const QString& path) const { return send(url(path), "DELETE"); }
};

// Collects the event messages one WebSocket client receives.
struct WsEvents : QObject {
    QWebSocket ws;
    QList<QJsonObject> events;
    int otherMessages = 0;
    explicit WsEvents(const QUrl& url)
    {
        connect(&ws, &QWebSocket::textMessageReceived, this, [this](const QString& text) {
            const QJsonObject o = QJsonDocument::fromJson(text.toUtf8()).object();
            if (o.value("type").toString() == "event")
                events.append(o);
            else
                ++otherMessages;
        });
        ws.open(url);
    }
    QStringList kindsAndIds() const
    {
        QStringList out;
        for (const QJsonObject& e : events)
            out << e.value("event").toString() + ":" + e.value("data").toObject().value("id").toString();
        return out;
    }
};

} // namespace

class TestRebroadcastEvents : public QObject {
    Q_OBJECT
private slots:
    void listAndFilters();
    void badParametersAre400();
    void oneEventWithTrack();
    void filesByteForByte();
    void hostileIdsNeverReachAPath();
    void tokenOnEveryRoute();
    void deleteRemovesRowAndFiles();
    void eventsOff();
    void webSocketEventMessages();
};

void TestRebroadcastEvents::listAndFilters()
{
    EventsFolder f;
    QCOMPARE(f.fill(), QString());
    auto service = f.service();
    Server s;
    QVERIFY(s.start());
    s.server->setEventService(service.get());

    const Reply all = s.get("/api/events");
    QCOMPARE(all.status, 200);
    QVERIFY(all.contentType.startsWith("application/json"));
    // Field for field what the store gives, without tracks, newest first.
    QCOMPARE(all.json().array(), f.expected({"e4", "e3", "e2", "e1"}));
    QVERIFY(!all.body.contains("\"track\""));

    const auto ids = [&](const QString& query) { return idsOf(s.get("/api/events", query).json().array()); };
    const auto t = [&](double offset) { return QString::number(f.base + offset, 'f', 3); };
    QCOMPARE(ids("camera=front"), QStringList({"e2", "e1"}));
    QCOMPARE(ids("label=person"), QStringList({"e3", "e1"}));
    QCOMPARE(ids("zone=porch"), QStringList({"e3"}));
    QCOMPARE(ids("zone=drive&label=person"), QStringList({"e1"}));
    QCOMPARE(ids("after=" + t(150)), QStringList({"e4", "e3", "e2"}));
    QCOMPARE(ids("before=" + t(300)), QStringList({"e2", "e1"}));
    QCOMPARE(ids("after=" + t(150) + "&before=" + t(350)), QStringList({"e3", "e2"}));
    QCOMPARE(ids("limit=2"), QStringList({"e4", "e3"}));
    QCOMPARE(ids("limit=5000"), QStringList({"e4", "e3", "e2", "e1"}));  // served as the maximum
    QCOMPARE(ids("in_progress=true"), QStringList({"e3"}));
    QCOMPARE(ids("in_progress=1"), QStringList({"e3"}));
    QCOMPARE(ids("in_progress=false"), QStringList({"e4", "e2", "e1"}));
    QCOMPARE(ids("in_progress=0&camera=back"), QStringList({"e4"}));
    QCOMPARE(ids("camera=nobody"), QStringList());
    QCOMPARE(ids("camera=&label="), QStringList({"e4", "e3", "e2", "e1"}));  // empty = not given
    // Parameter values are data, never SQL.
    QCOMPARE(ids("camera=" + QUrl::toPercentEncoding("front' OR '1'='1")), QStringList());

    // The reader sees what the writer commits afterwards (no restart, no stale cache).
    Event e5;
    e5.id = "e5";
    e5.camera = "front";
    e5.cameraName = "FRONT";
    e5.label = "cat";
    e5.startTime = f.base + 500;
    const StoreResult inserted = f.writer->insert(e5);
    QVERIFY2(inserted, qPrintable(inserted.error));
    QCOMPARE(ids("limit=1"), QStringList({"e5"}));
}

void TestRebroadcastEvents::badParametersAre400()
{
    EventsFolder f;
    QCOMPARE(f.fill(), QString());
    auto service = f.service();
    Server s;
    QVERIFY(s.start());
    s.server->setEventService(service.get());

    const QList<QPair<QString, QString>> bad = {
        {"limit=0", "limit"},
        {"limit=-3", "limit"},
        {"limit=ten", "limit"},
        {"limit=1.5", "limit"},
        {"limit=99999999999999999999999", "limit"},
        {"after=yesterday", "after"},
        {"after=nan", "after"},
        {"before=inf", "before"},
        {"before=1e999", "before"},
        {"in_progress=yes", "in_progress"},
        {"in_progress=TRUE1", "in_progress"},
        {"camera=" + QString(300, 'c'), "camera"},
        {"label=" + QString(257, 'l'), "label"},
        {"zone=" + QString(1000, 'z'), "zone"},
    };
    for (const auto& [query, parameter] : bad) {
        const Reply r = s.get("/api/events", query);
        QVERIFY2(r.status == 400, qPrintable(query + " -> " + QString::number(r.status)));
        QVERIFY(r.contentType.startsWith("application/json"));
        const QJsonObject o = r.json().object();
        QCOMPARE(o.value("parameter").toString(), parameter);
        QVERIFY2(o.value("error").toString().contains(parameter), qPrintable(o.value("error").toString()));
    }
    const Reply box = s.get("/api/events/e1/snapshot.jpg", "bbox=maybe");
    QCOMPARE(box.status, 400);
    QCOMPARE(box.json().object().value("parameter").toString(), QString("bbox"));
    // Methods: only GET, and DELETE on one event.
    QCOMPARE(send(s.url("/api/events"), "POST").status, 405);
    QCOMPARE(send(s.url("/api/events"), "DELETE").status, 405);
    QCOMPARE(send(s.url("/api/events/e1/clip.mkv"), "DELETE").status, 405);
    QCOMPARE(send(s.url("/api/events/e1"), "PUT").status, 405);
    QVERIFY(f.writer->event("e1").has_value());
}

void TestRebroadcastEvents::oneEventWithTrack()
{
    EventsFolder f;
    QCOMPARE(f.fill(), QString());
    auto service = f.service();
    Server s;
    QVERIFY(s.start());
    s.server->setEventService(service.get());

    const Reply r = s.get("/api/events/e1");
    QCOMPARE(r.status, 200);
    QVERIFY(r.contentType.startsWith("application/json"));
    const QJsonObject o = r.json().object();
    QCOMPARE(o, toJson(*f.writer->event("e1", true), true));
    QCOMPARE(o.value("track").toArray().size(), 2);
    QCOMPARE(o.value("has_snapshot").toBool(), true);
    QCOMPARE(o.value("has_clip").toBool(), true);
    QVERIFY(s.get("/api/events/e3").json().object().value("end_time").isNull());  // in progress

    const Reply unknown = s.get("/api/events/nope-1");
    QCOMPARE(unknown.status, 404);
    QCOMPARE(unknown.json().object().value("error").toString(), QString("unknown event"));
}

void TestRebroadcastEvents::filesByteForByte()
{
    EventsFolder f;
    QCOMPARE(f.fill(), QString());
    auto service = f.service();
    Server s;
    QVERIFY(s.start());
    s.server->setEventService(service.get());

    const Reply clean = s.get("/api/events/e1/snapshot.jpg");
    QCOMPARE(clean.status, 200);
    QCOMPARE(clean.contentType, QByteArray("image/jpeg"));
    QCOMPARE(clean.body, f.files.clean);
    QCOMPARE(s.get("/api/events/e1/snapshot.jpg", "bbox=1").body, f.files.boxed);
    QCOMPARE(s.get("/api/events/e1/snapshot.jpg", "bbox=0").body, f.files.clean);
    QCOMPARE(s.get("/api/events/e1/thumbnail.jpg").body, f.files.thumb);
    const Reply clip = s.get("/api/events/e1/clip.mkv");
    QCOMPARE(clip.status, 200);
    QCOMPARE(clip.contentType, QByteArray("video/x-matroska"));
    QCOMPARE(clip.body.size(), f.files.clip.size());
    QVERIFY(clip.body == f.files.clip);

    // The length is announced and the connection closes after exactly that many bytes.
    const QByteArray raw = exchange(s.server->port(), "GET /api/events/e1/clip.mkv HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    QCOMPARE(statusOf(raw), 200);
    QVERIFY(raw.contains("Content-Length: " + QByteArray::number(f.files.clip.size()) + "\r\n"));
    QVERIFY(bodyOf(raw) == f.files.clip);

    // Only files the row claims: e2 has none, e3 a clean snapshot only.
    for (const QString& path : {"/api/events/e2/snapshot.jpg", "/api/events/e2/thumbnail.jpg",
                                "/api/events/e2/clip.mkv", "/api/events/e3/clip.mkv",
                                "/api/events/e3/thumbnail.jpg", "/api/events/nope/snapshot.jpg"}) {
        const Reply r = s.get(path);
        QVERIFY2(r.status == 404, qPrintable(path));
        QVERIFY2(r.json().object().contains("error"), qPrintable(path));
    }
    QCOMPARE(s.get("/api/events/e3/snapshot.jpg").body, f.files.clean);
    // A clip file the row does not claim (e.g. left by a crash before attachClip) is never served.
    QFile stray(f.writer->clipPath("e2"));
    QVERIFY(stray.open(QIODevice::WriteOnly));
    stray.write("not claimed");
    stray.close();
    QCOMPARE(s.get("/api/events/e2/clip.mkv").status, 404);
}

void TestRebroadcastEvents::hostileIdsNeverReachAPath()
{
    EventsFolder f;
    QCOMPARE(f.fill(), QString());
    // A file outside the events folder that a traversal would reach.
    QFile secret(f.tmp.path() + "/secret.jpg");
    QVERIFY(secret.open(QIODevice::WriteOnly));
    secret.write("SECRET");
    secret.close();
    auto service = f.service();
    Server s;
    QVERIFY(s.start());
    s.server->setEventService(service.get());

    const QList<QByteArray> targets = {
        "/api/events/..%2F..%2Fetc",
        "/api/events/..%2F..%2Fetc%2Fpasswd/snapshot.jpg",
        "/api/events/..%2Fsecret/snapshot.jpg",
        "/api/events/%2E%2E/snapshot.jpg",
        "/api/events/../secret.jpg",
        "/api/events/.hidden",
        "/api/events/.hidden/clip.mkv",
        "/api/events/e1%00/snapshot.jpg",
        "/api/events/e1%2F..%2F..%2Fsecret/thumbnail.jpg",
        "/api/events/%C3%A9v%C3%A9nement",
        "/api/events/" + QByteArray(201, 'a'),
        "/api/events/" + QByteArray(201, 'a') + "/clip.mkv",
        "/api/events/e1/snapshot.jpg/..",
        "/api/events//snapshot.jpg",
        "/api/events/e1/../../secret.jpg",
    };
    for (const QByteArray& target : targets) {
        for (const QByteArray method : {QByteArray("GET"), QByteArray("DELETE")}) {
            const QByteArray response = exchange(s.server->port(), method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            const int status = statusOf(response);
            QVERIFY2(status == 404 || status == 405, qPrintable(method + " " + target + " -> " + QByteArray::number(status)));
            QVERIFY2(!response.contains("SECRET"), target.constData());
        }
    }
    // Nothing was deleted on the way.
    QCOMPARE(f.writer->count(), qint64(4));
    QVERIFY(QFileInfo::exists(f.writer->clipPath("e1")));
    QVERIFY(secret.exists());
}

void TestRebroadcastEvents::tokenOnEveryRoute()
{
    EventsFolder f;
    QCOMPARE(f.fill(), QString());
    auto service = f.service();
    Server s;
    QVERIFY(s.start("t0ken"));
    s.server->setEventService(service.get());

    QTest::ignoreMessage(QtWarningMsg, QRegularExpression("refused HTTP request without a valid token"));
    const auto bare = [&](const QString& path) {
        return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(s.server->port()).arg(path));
    };
    for (const QString& path : {"/api/events", "/api/events/e1", "/api/events/e1/snapshot.jpg",
                                "/api/events/e1/thumbnail.jpg", "/api/events/e1/clip.mkv",
                                "/api/events/nope", "/api/events/..%2F..%2Fetc"}) {
        QCOMPARE(send(bare(path)).status, 401);
        QUrl wrong = bare(path);
        wrong.setQuery("token=wrong");
        QCOMPARE(send(wrong).status, 401);
        QCOMPARE(send(bare(path), "GET", "Bearer nope").status, 401);
    }
    QCOMPARE(send(bare("/api/events/e1"), "DELETE").status, 401);
    QCOMPARE(send(bare("/api/events/e1"), "DELETE", "Bearer nope").status, 401);
    QVERIFY(f.writer->event("e1").has_value());

    QCOMPARE(s.get("/api/events").status, 200);  // ?token=t0ken
    QCOMPARE(send(bare("/api/events/e1"), "GET", "Bearer t0ken").status, 200);
    QCOMPARE(send(bare("/api/events/e1/clip.mkv"), "GET", "Bearer t0ken").body.size(), f.files.clip.size());
    QCOMPARE(s.get("/api/events/e1/thumbnail.jpg").body, f.files.thumb);
}

void TestRebroadcastEvents::deleteRemovesRowAndFiles()
{
    EventsFolder f;
    QCOMPARE(f.fill(), QString());
    const QStringList e1Files = {f.writer->snapshotPath("e1", SnapshotKind::Clean),
                                 f.writer->snapshotPath("e1", SnapshotKind::BoundingBox),
                                 f.writer->snapshotPath("e1", SnapshotKind::Thumbnail), f.writer->clipPath("e1")};
    for (const QString& path : e1Files)
        QVERIFY2(QFileInfo::exists(path), qPrintable(path));
    f.writer.reset();  // the service takes the folder's writer lock

    auto service = f.service();
    QString error;
    QVERIFY2(service->start(&error), qPrintable(error));
    Server s;
    QVERIFY(s.start());
    s.server->setEventService(service.get());
    WsEvents ws(QUrl(QStringLiteral("ws://127.0.0.1:%1/ws").arg(s.server->port())));
    QTRY_VERIFY_WITH_TIMEOUT(ws.ws.state() == QAbstractSocket::ConnectedState, 10000);

    // Reads work beside the running service (the store ended e3, left in progress by "a crash").
    QCOMPARE(idsOf(s.get("/api/events").json().array()), QStringList({"e4", "e3", "e2", "e1"}));
    QVERIFY(!s.get("/api/events/e3").json().object().value("end_time").isNull());
    QCOMPARE(s.get("/api/events/e1/snapshot.jpg").body, f.files.clean);

    // A browser page of a foreign origin cannot delete (CSRF), whatever the token.
    const QByteArray foreign = exchange(s.server->port(), "DELETE /api/events/e1 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                                          "Origin: http://evil.example\r\n\r\n");
    QCOMPARE(statusOf(foreign), 403);
    QCOMPARE(s.get("/api/events/e1").status, 200);

    const Reply del = s.del("/api/events/e1");
    QCOMPARE(del.status, 200);
    QCOMPARE(del.json().object(), QJsonObject({{"deleted", "e1"}}));
    for (const QString& path : e1Files)
        QVERIFY2(!QFileInfo::exists(path), qPrintable(path));
    QCOMPARE(s.get("/api/events/e1").status, 404);
    QCOMPARE(s.get("/api/events/e1/snapshot.jpg").status, 404);
    QCOMPARE(s.get("/api/events/e1/clip.mkv").status, 404);
    QCOMPARE(idsOf(s.get("/api/events").json().array()), QStringList({"e4", "e3", "e2"}));
    // The service announced it; the WebSocket client heard it.
    QTRY_VERIFY_WITH_TIMEOUT(ws.kindsAndIds().contains("delete:e1"), 5000);

    const Reply again = s.del("/api/events/e1");
    QCOMPARE(again.status, 404);
    QCOMPARE(again.json().object().value("error").toString(), QString("unknown event"));
    QCOMPARE(s.del("/api/events/nope").status, 404);
    // Same origin (the viewer page's own) may delete.
    const QByteArray own = exchange(s.server->port(),
                                    QStringLiteral("DELETE /api/events/e2 HTTP/1.1\r\nHost: 127.0.0.1:%1\r\nOrigin: http://127.0.0.1:%1\r\n\r\n")
                                        .arg(s.server->port()).toLatin1());
    QCOMPARE(statusOf(own), 200);
    QCOMPARE(QJsonDocument::fromJson(bodyOf(own)).object().value("deleted").toString(), QString("e2"));
    QCOMPARE(idsOf(s.get("/api/events").json().array()), QStringList({"e4", "e3"}));

    // Detached, the routes answer "events are off"; the service can then go.
    s.server->setEventService(nullptr);
    QCOMPARE(s.del("/api/events/e3").status, 404);
    service.reset();
    QCOMPARE(s.get("/api/events").status, 404);
}

void TestRebroadcastEvents::eventsOff()
{
    Server s;
    QVERIFY(s.start());
    for (const QString& path : {"/api/events", "/api/events/e1", "/api/events/e1/snapshot.jpg", "/api/events/e1/clip.mkv"}) {
        const Reply r = s.get(path);
        QVERIFY2(r.status == 404, qPrintable(path));
        QVERIFY(r.contentType.startsWith("application/json"));
        QVERIFY2(r.json().object().value("error").toString().contains("events are off"), r.body.constData());
    }
    QCOMPARE(s.del("/api/events/e1").status, 404);
    // The rest of the API is untouched.
    QCOMPARE(s.get("/api/cameras").status, 200);

    // Attached later (a service whose store is not running yet): an empty folder is no events.
    QTemporaryDir tmp;
    EventService::Options o;
    o.settings.folder = tmp.path() + "/none";
    EventService service(o);
    s.server->setEventService(&service);
    const Reply empty = s.get("/api/events");
    QCOMPARE(empty.status, 200);
    QCOMPARE(empty.json().array(), QJsonArray());
    QCOMPARE(s.get("/api/events/e1").status, 404);
    s.server->setEventService(nullptr);
}

void TestRebroadcastEvents::webSocketEventMessages()
{
    // Two cameras the server knows (they never connect: only the event messages matter here).
    ProcessingScheduler scheduler(1);
    std::vector<std::unique_ptr<Camera>> cameras;
    Server s;
    for (const char* id : {"front", "back"}) {
        CameraConfig c;
        c.id = id;
        c.url = QUrl("http://127.0.0.1:9/stream");
        c.detect = DetectMode::Off;
        cameras.push_back(std::make_unique<Camera>(c, &scheduler));
        s.server->addCamera(cameras.back().get());
    }
    QVERIFY(s.start());
    QTemporaryDir tmp;
    EventService::Options o;
    o.settings.folder = tmp.path();
    EventService service(o);
    s.server->setEventService(&service);

    const auto wsUrl = [&](const QString& path, const QString& query = {}) {
        QUrl u(QStringLiteral("ws://127.0.0.1:%1%2").arg(s.server->port()).arg(path));
        if (!query.isEmpty())
            u.setQuery(query);
        return u;
    };
    WsEvents all(wsUrl("/ws"));
    WsEvents binary(wsUrl("/ws", "format=binary"));
    WsEvents front(wsUrl("/ws/front"));
    WsEvents back(wsUrl("/ws/back"));
    for (WsEvents* c : {&all, &binary, &front, &back})
        QTRY_VERIFY_WITH_TIMEOUT(c->ws.state() == QAbstractSocket::ConnectedState, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(s.server->clientCount(), 4, 5000);

    Event e;
    e.id = "n-front-1-0";
    e.camera = "front";
    e.cameraName = "Front";
    e.label = "person";
    e.startTime = 1700000000.5;
    e.topScore = 0.8;
    e.box = QRectF(1, 2, 3, 4);
    e.track = {{1700000000.5, QRectF(1, 2, 3, 4), 0.8}};
    const QJsonObject frontJson = toJson(e, false);
    // The service's signal, as its thread emits it (the server connects queued).
    emit service.eventChanged("new", frontJson);
    QTRY_COMPARE_WITH_TIMEOUT(all.events.size(), 1, 5000);
    const QJsonObject msg = all.events.first();
    QCOMPARE(msg, QJsonObject({{"type", "event"}, {"event", "new"}, {"data", frontJson}}));
    QTRY_COMPARE_WITH_TIMEOUT(front.events.size(), 1, 5000);
    QCOMPARE(front.events.first(), msg);
    QTRY_COMPARE_WITH_TIMEOUT(binary.events.size(), 1, 5000);  // text in the binary format too
    QCOMPARE(binary.events.first(), msg);

    // An update of a back event, sent with its track: clients get it without the track.
    e.id = "n-back-2-0";
    e.camera = "back";
    e.endTime = 1700000009.0;
    emit service.eventChanged("update", toJson(e, true));
    emit service.eventChanged("end", toJson(e, false));
    emit service.eventChanged("bogus", toJson(e, false));  // not a kind: never sent
    emit service.eventChanged("delete", QJsonObject{{"id", "n-front-1-0"}});
    QTRY_COMPARE_WITH_TIMEOUT(back.kindsAndIds(), QStringList({"update:n-back-2-0", "end:n-back-2-0", "delete:n-front-1-0"}), 5000);
    QCOMPARE(back.events[0].value("data").toObject(), toJson(e, false));
    QVERIFY(!back.events[0].value("data").toObject().contains("track"));
    QTRY_COMPARE_WITH_TIMEOUT(all.kindsAndIds(), QStringList({"new:n-front-1-0", "update:n-back-2-0", "end:n-back-2-0",
                                                              "delete:n-front-1-0"}), 5000);
    QCOMPARE(all.events.last().value("data").toObject(), QJsonObject({{"id", "n-front-1-0"}}));
    // /ws/front: its own event and the delete (ids only, for everyone), never the back camera's.
    QTRY_COMPARE_WITH_TIMEOUT(front.kindsAndIds(), QStringList({"new:n-front-1-0", "delete:n-front-1-0"}), 5000);
    QCOMPARE(back.events.size(), 3);  // and /ws/back never saw front's "new"
    for (WsEvents* c : {&all, &front, &back})
        QCOMPARE(c->otherMessages, 0);  // the cameras never connected: no frames, no stats

    bool counted = false;
    for (const RebroadcastClientStats& c : s.server->clientStats())
        if (c.path == "/ws/front")
            counted = c.eventsSent == 2 && c.eventsDropped == 0;
    QVERIFY(counted);

    // Detached: nothing more is sent.
    s.server->setEventService(nullptr);
    emit service.eventChanged("new", frontJson);
    QTest::qWait(300);
    QCOMPARE(all.events.size(), 4);

    for (auto& c : cameras)
        s.server->removeCamera(c.get());
}

QTEST_GUILESS_MAIN(TestRebroadcastEvents)
#include "tst_rebroadcast_events.moc"
