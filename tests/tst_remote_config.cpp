// Remote nodes without a node: the settings' remote_nodes (bad entries named), the node API's
// URLs and JSON checks, local event ids, and requests that never follow a redirect with the token
// and never read more than their bound.
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include "common/redact.h"
#include "config/app_settings.h"
#include "events/event_service.h"
#include "events/event_store.h"
#include "processing/jpeg_codec.h"
#include "remote/remote_api.h"
#include "remote/remote_event_mirror.h"
#include "remote/remote_node_config.h"
#include "test_util.h"

using namespace vigil;

namespace {
// Answers every request with `response` and remembers what it was asked.
class OneShotServer : public QTcpServer {
public:
    explicit OneShotServer(QByteArray response) : m_response(std::move(response))
    {
        connect(this, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket* s = nextPendingConnection()) {
                connect(s, &QTcpSocket::readyRead, s, [this, s] {
                    requests << s->readAll();
                    s->write(m_response);
                    s->disconnectFromHost();
                });
            }
        });
        listen(QHostAddress::LocalHost);
    }
    QUrl url() const { return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(serverPort())); }
    QList<QByteArray> requests;

private:
    QByteArray m_response;
};

NodeReply fetch(const QUrl& url, const QString& token, qint64 maxBytes)
{
    QNetworkAccessManager nam;
    NodeReply out;
    bool done = false;
    getFromNode(&nam, url, token, maxBytes, &nam, [&](const NodeReply& r) { out = r; done = true; }, 5000);
    QDeadlineTimer deadline(8000);
    while (!done && !deadline.hasExpired())
        QTest::qWait(10);
    if (!done)
        out.error = QStringLiteral("test: no answer");
    return out;
}
} // namespace

class TestRemoteConfig : public QObject {
    Q_OBJECT
private slots:
    void readsNodesAndNamesBadEntries()
    {
        const QJsonArray list{
            QJsonObject{{"name", "attic"}, {"url", "http://10.0.0.5:8081"}, {"token", "s3cret"}},
            QJsonObject{{"name", "shed"}, {"url", "ftp://x"}},
            QJsonObject{{"url", "http://10.0.0.6"}},
            QJsonObject{{"name", "Attic"}, {"url", "http://10.0.0.7"}},
            QJsonObject{{"name", "gate"}, {"url", "http://bob:pw@10.0.0.8"}},
            QJsonValue(5),
        };
        QStringList errors;
        const QList<RemoteNodeConfig> nodes = readRemoteNodes(list, &errors);
        QCOMPARE(nodes.size(), 1);
        QCOMPARE(nodes.first().name, QStringLiteral("attic"));
        QCOMPARE(nodes.first().token, QStringLiteral("s3cret"));
        QCOMPARE(errors.size(), 5);
        QVERIFY2(errors.at(0).startsWith("remote node #2 \"shed\": ") && errors.at(0).contains("http"), qPrintable(errors.at(0)));
        QVERIFY2(errors.at(1).startsWith("remote node #3: ") && errors.at(1).contains("name"), qPrintable(errors.at(1)));
        QVERIFY2(errors.at(2).contains("duplicate"), qPrintable(errors.at(2)));
        QVERIFY2(errors.at(3).contains("token"), qPrintable(errors.at(3)));
        QVERIFY2(errors.at(4).contains("not an object"), qPrintable(errors.at(4)));
        QStringList notList;
        QVERIFY(readRemoteNodes(QJsonValue("x"), &notList).isEmpty());
        QCOMPARE(notList.size(), 1);
    }

    void settingsRoundTripAndCapped()
    {
        AppSettings s;
        s.remoteNodes << RemoteNodeConfig{"attic", QUrl("http://10.0.0.5:8081"), "s3cret"};
        QStringList errors;
        const AppSettings back = AppSettings::fromJson(s.toJson(), &errors);
        QVERIFY2(errors.isEmpty(), qPrintable(errors.join("; ")));
        QCOMPARE(back.remoteNodes, s.remoteNodes);
        QCOMPARE(back, s);

        QJsonArray many;
        for (int i = 0; i < kMaxRemoteNodes + 3; ++i)
            many.append(QJsonObject{{"name", QStringLiteral("n%1").arg(i)}, {"url", "http://10.0.0.1"}});
        QStringList manyErrors;
        QCOMPARE(readRemoteNodes(many, &manyErrors).size(), kMaxRemoteNodes);
        QCOMPARE(manyErrors.size(), 3);
    }

    void urlsKeepTheBasePathAndRedactTheToken()
    {
        const RemoteNodeConfig node{"attic", QUrl("https://proxy.example/vigil/"), "s3cret"};
        const QUrl stream = nodeStreamUrl(node, "cam_1");
        QCOMPARE(stream.path(), QStringLiteral("/vigil/cameras/cam_1/stream.mjpeg"));
        QVERIFY(stream.query().contains("token=s3cret"));
        QVERIFY(!redactedUrlString(stream).contains("s3cret"));
        QVERIFY(!redactedText("cannot connect to " + stream.toString()).contains("s3cret"));
        const QUrl ws = nodeEventsSocketUrl(node);
        QCOMPARE(ws.scheme(), QStringLiteral("wss"));
        QCOMPARE(ws.path(), QStringLiteral("/vigil/ws"));
        QVERIFY(ws.query().contains("frames=0"));
    }

    void checksWhatTheNodeSays()
    {
        QJsonArray cams;
        for (int i = 0; i < kMaxRemoteCamerasPerNode + 10; ++i)
            cams.append(QJsonObject{{"id", QStringLiteral("c%1").arg(i)}, {"name", "Cam"}});
        cams.prepend(QJsonObject{{"id", "../etc"}});
        const auto parsed = parseRemoteCameras(QJsonDocument(cams).toJson());
        QVERIFY(parsed);
        QCOMPARE(parsed->size(), kMaxRemoteCamerasPerNode);
        QCOMPARE(parsed->first().id, QStringLiteral("c0"));
        QString why;
        QVERIFY(!parseRemoteCameras("<html>", &why));
        QVERIFY(!why.isEmpty());

        QJsonObject e{{"id", "host-demo-1700000000000-0"}, {"camera", "demo"}, {"camera_name", "Demo"},
                      {"label", "person"}, {"start_time", 1700000000.0}, {"end_time", QJsonValue()},
                      {"box", QJsonArray{1, 2, 3, 4}}, {"has_snapshot", true}};
        const auto ev = parseRemoteEvent(e);
        QVERIFY(ev);
        QVERIFY(ev->inProgress());
        QCOMPARE(ev->box, QRectF(1, 2, 3, 4));
        e["id"] = "../../x";
        QVERIFY(!parseRemoteEvent(e));
        e["id"] = "ok";
        e["start_time"] = "soon";
        QVERIFY(!parseRemoteEvent(e));

        QCOMPARE(RemoteEventMirror::localEventId("my node", "host-demo-1-0"), QStringLiteral("my_node.host-demo-1-0"));
        QVERIFY(RemoteEventMirror::localEventId("n", QString(199, 'x')).isEmpty());
    }

    void importInsertsUpdatesAndEnds()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        EventService::Options o;
        o.settings.folder = dir.path();
        EventService service(o);
        QVERIFY(service.start());
        QSignalSpy changes(&service, &EventService::eventChanged);

        Event e;
        e.id = "attic.host-demo-1700000000000-0";
        e.camera = "attic-demo";
        e.cameraName = "Demo camera";
        e.label = "person";
        e.startTime = 1700000000;
        e.box = QRectF(100, 100, 50, 120);
        e.track << EventTrackPoint{1700000000, e.box, 0.8} << EventTrackPoint{1700000001, e.box, 0.9};
        QVERIFY(service.importEvent(e));
        QTRY_COMPARE(changes.size(), 1);
        QCOMPARE(changes.at(0).at(0).toString(), QStringLiteral("new"));

        // An update without a track keeps the stored one; the end comes with its pictures.
        Event ended = e;
        ended.track.clear();
        ended.endTime = 1700000009;
        ended.topScore = 0.9;
        JpegEncoder enc;
        const QByteArray jpeg = enc.encodeBgr(cv::Mat(240, 320, CV_8UC3, cv::Scalar(40, 90, 30)), 80);
        QVERIFY(service.importEvent(ended, {}, jpeg));
        QTRY_COMPARE(changes.size(), 2);
        QCOMPARE(changes.at(1).at(0).toString(), QStringLiteral("end"));
        // A late update (an old message) never reopens it.
        QVERIFY(service.importEvent(e));
        QTRY_COMPARE(changes.size(), 3);
        QCOMPARE(changes.at(2).at(0).toString(), QStringLiteral("update"));
        // Another camera's event with the same id is not overwritten.
        Event other = ended;
        other.camera = "garage";
        other.label = "car";
        QVERIFY(service.importEvent(other));

        std::unique_ptr<EventStore> store = EventStore::openReadOnly(dir.path());
        QTRY_VERIFY(store->event(e.id, false) && store->event(e.id, false)->hasSnapshot);
        QTest::qWait(100);
        const Event stored = *store->event(e.id, true);
        QCOMPARE(stored.camera, QStringLiteral("attic-demo"));
        QCOMPARE(stored.label, QStringLiteral("person"));
        QCOMPARE(stored.endTime, std::optional<double>(1700000009));
        QCOMPARE(stored.track.size(), 2);
        QCOMPARE(test::readFile(store->snapshotPath(e.id, SnapshotKind::Clean)), jpeg);
        QVERIFY(QFile::exists(store->snapshotPath(e.id, SnapshotKind::Thumbnail)));   // made here
        QVERIFY(QFile::exists(store->snapshotPath(e.id, SnapshotKind::BoundingBox)));
        QCOMPARE(changes.size(), 3);

        Event bad = e;
        bad.id = "../x";
        QVERIFY(!service.importEvent(bad));
        service.stop();
        QVERIFY(!service.importEvent(e));  // stopped: refused, not queued
    }

    void redirectIsNeverFollowedWithTheToken()
    {
        OneShotServer elsewhere("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n[]");
        OneShotServer node("HTTP/1.1 302 Found\r\nLocation: " + elsewhere.url().toEncoded()
                           + "/api/cameras\r\nContent-Length: 0\r\n\r\n");
        const NodeReply r = fetch(node.url().resolved(QUrl("/api/cameras")), "s3cret", 1024);
        QVERIFY(!r.ok());
        QVERIFY2(r.error.contains("not followed"), qPrintable(r.error));
        QCOMPARE(node.requests.size(), 1);
        QVERIFY(node.requests.first().contains("Authorization: Bearer s3cret"));
        QTest::qWait(200);
        QVERIFY(elsewhere.requests.isEmpty());
    }

    void answersAreBounded()
    {
        OneShotServer big("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + QByteArray(100000, 'x'));
        const NodeReply r = fetch(big.url(), {}, 1000);
        QVERIFY(!r.ok());
        QVERIFY2(r.error.contains("larger than 1000"), qPrintable(r.error));
        QVERIFY(r.body.isEmpty());

        OneShotServer denied("HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n");
        const NodeReply d = fetch(denied.url(), "wrong", 1000);
        QVERIFY(d.unauthorised());
        QVERIFY(!d.error.contains("wrong"));
    }
};

QTEST_GUILESS_MAIN(TestRemoteConfig)
#include "tst_remote_config.moc"
