// Events end to end: the in-process ESP32 camera shows a yard; a real person (cut from a test
// photo) walks in, stands still for several seconds while motion gating sleeps, and walks out. A
// real model runs through the whole Pipeline. Exactly one event must come out of it, with its
// snapshot, thumbnail and clip, visible in the store and through `vigil --list-events`.
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QUrlQuery>
#include <QWebSocket>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <opencv2/imgproc.hpp>

#include "demo/esp32_camera_server.h"
#include "events/clip_reader.h"
#include "events/event_service.h"
#include "events/event_store.h"
#include "pipeline/pipeline.h"
#include "processing/jpeg_codec.h"
#include "test_util.h"

using namespace vigil;

class TestEventsEndToEnd : public QObject {
    Q_OBJECT
private:
    QString m_model;
    cv::Mat m_yard, m_person;

    QByteArray yard(int personX = -10000)
    {
        JpegEncoder enc;
        return enc.encodeBgr(test::withSprite(m_yard, m_person, personX, 250), 85);
    }
    // The server loops its frames: a walk ends with 4 s at its last place, so a late switch to
    // the next scene never makes the person jump back to where the walk started.
    QList<QByteArray> walk(int fromX, int toX, int frames)
    {
        QList<QByteArray> out;
        for (int i = 0; i < frames; ++i)
            out << yard(fromX + (toX - fromX) * i / (frames - 1));
        for (int i = 0; i < 120; ++i)
            out << out.last();
        return out;
    }

private slots:
    void initTestCase()
    {
        m_model = test::modelsDir() + "/yolox_nano_coco80_416_fp32.onnx";
        m_person = test::personSprite(190);
        if (!QFile::exists(m_model) || m_person.empty())
            QSKIP(qPrintable("shared models or photos absent (looked in " + test::modelsDir() + "; set VIGIL_MODELS_DIR)"));
        m_yard = test::yardBackground();
    }

    void personWalksInStandsAndLeavesIsOneEvent()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString eventsDir = dir.filePath("events");

        Esp32CameraServer server;
        server.setFrames({yard()});
        QVERIFY(server.listen());

        AppSettings settings;
        settings.events.folder = eventsDir;
        settings.events.preRollS = 2;
        settings.events.postRollS = 1;
        CameraConfig c;
        c.id = "yard";
        c.name = "Back yard";
        c.url = server.url();
        c.skipFrames = 1;
        c.maxFps = 10;
        c.detect = DetectMode::Motion;
        c.heartbeatS = 4;        // standing still is seen at heartbeats only
        c.detector.modelPath = m_model;
        c.events.labels = {"person"};
        settings.cameras << c;
        settings.rebroadcastEnabled = true;
        settings.rebroadcastPort = 0;            // any free port
        settings.rebroadcastToken = "e2e-secret";

        Pipeline pipeline(settings);
        QVERIFY(pipeline.events());
        QSignalSpy changes(pipeline.events(), &EventService::eventChanged);
        pipeline.start();
        QVERIFY2(pipeline.startProblems().isEmpty(), qPrintable(pipeline.startProblems().join("; ")));
        Camera* cam = pipeline.camera("yard");
        QVERIFY(cam);
        QVERIFY(pipeline.rebroadcastRunning());
        QUrl base = pipeline.rebroadcastUrl();
        base.setQuery(QString());
        // A WebSocket client hears the event live.
        QWebSocket ws;
        QStringList wsEvents;
        connect(&ws, &QWebSocket::textMessageReceived, this, [&](const QString& text) {
            const QJsonObject m = QJsonDocument::fromJson(text.toUtf8()).object();
            if (m["type"].toString() == "event")
                wsEvents << m["event"].toString() + ":" + m["data"].toObject()["id"].toString();
        });
        QUrl wsUrl = base.resolved(QUrl("/ws/yard?token=e2e-secret"));
        wsUrl.setScheme("ws");
        ws.open(wsUrl);
        QTRY_VERIFY_WITH_TIMEOUT(ws.state() == QAbstractSocket::ConnectedState, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(cam->stats().inferences >= 1, 20000);  // the empty yard's first heartbeat
        QTest::qWait(1000);

        server.setFrames(walk(-60, 280, 45));          // walks in (1.5 s)
        QTest::qWait(2500);
        server.setFrames({yard(280)});                  // stands still
        QTRY_VERIFY_WITH_TIMEOUT(pipeline.events()->counts("yard").events == 1, 15000);
        QTest::qWait(7000);
        QCOMPARE(pipeline.events()->counts("yard").events, quint64(1));  // still the same event
        server.setFrames(walk(280, 700, 45));           // walks out (1.5 s)
        QTest::qWait(2500);
        server.setFrames({yard()});
        // It ends once inferences that cover where it was have missed it for 10 s (heartbeats).
        std::unique_ptr<EventStore> store = EventStore::openReadOnly(eventsDir);
        auto events = [&] {
            EventQuery q;
            q.limit = 100;
            return store->query(q);
        };
        auto describe = [&] {
            QStringList out;
            for (const Event& e : events())
                out << QString::fromUtf8(QJsonDocument(toJson(e, false)).toJson(QJsonDocument::Compact));
            return out.join('\n') + QStringLiteral("\ninferences %1").arg(cam->stats().inferences);
        };
        QTRY_VERIFY2_WITH_TIMEOUT(events().size() == 1 && !events().first().inProgress(), qPrintable(describe()), 40000);
        QTRY_VERIFY_WITH_TIMEOUT(events().first().hasClip, 15000);
        const Event e = events().first();
        QCOMPARE(e.camera, QStringLiteral("yard"));
        QCOMPARE(e.cameraName, QStringLiteral("Back yard"));
        QCOMPARE(e.label, QStringLiteral("person"));
        QVERIFY(e.topScore > 0.5);
        QVERIFY2(*e.endTime - e.startTime >= 7, qPrintable(QString::number(*e.endTime - e.startTime)));
        QVERIFY(e.hasSnapshot);
        QVERIFY(e.box.width() > 20 && e.box.height() > 80);
        for (SnapshotKind kind : {SnapshotKind::Clean, SnapshotKind::BoundingBox, SnapshotKind::Thumbnail}) {
            QSize size;
            JpegDecoder dec;
            QVERIFY(dec.readSize(test::readFile(store->snapshotPath(e.id, kind)), &size));
            QCOMPARE(size, kind == SnapshotKind::Thumbnail ? QSize(320, 240) : QSize(640, 480));
        }
        // The clip: pre-roll before the first sighting, through the end.
        ClipReader clip;
        QVERIFY2(clip.open(store->clipPath(e.id)), qPrintable(clip.error()));
        QVERIFY(clip.frameCount() > 100);
        QVERIFY2(clip.durationMs() >= qint64((*e.endTime - e.startTime) * 1000) + 1500,
                 qPrintable(QString("%1 ms").arg(clip.durationMs())));
        const std::optional<Event> withTrack = store->event(e.id, true);
        QVERIFY(withTrack && withTrack->track.size() >= 5);

        // Live notifications: new first, end last, all about this event.
        QVERIFY(changes.size() >= 2);
        QCOMPARE(changes.first().at(0).toString(), QStringLiteral("new"));
        bool ended = false;
        for (const QList<QVariant>& change : std::as_const(changes)) {
            QCOMPARE(change.at(1).toJsonObject()["id"].toString(), e.id);
            ended |= change.at(0).toString() == "end";
        }
        QVERIFY(ended);

        // The HTTP API, with the token and without.
        QNetworkAccessManager nam;
        auto get = [&](const QString& pathAndQuery) {
            std::unique_ptr<QNetworkReply> reply(nam.get(QNetworkRequest(base.resolved(QUrl(pathAndQuery)))));
            QDeadlineTimer deadline(10000);
            while (!reply->isFinished() && !deadline.hasExpired())
                QTest::qWait(20);
            return std::make_pair(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), reply->readAll());
        };
        const auto fromApi = get("/api/events?camera=yard&label=person&token=e2e-secret");
        QCOMPARE(fromApi.first, 200);
        const QJsonArray apiEvents = QJsonDocument::fromJson(fromApi.second).array();
        QCOMPARE(apiEvents.size(), 1);
        QCOMPARE(apiEvents.first().toObject()["id"].toString(), e.id);
        QVERIFY(apiEvents.first().toObject()["has_clip"].toBool());
        QCOMPARE(get("/api/events?camera=yard").first, 401);
        const auto clipBytes = get("/api/events/" + e.id + "/clip.mkv?token=e2e-secret");
        QCOMPARE(clipBytes.first, 200);
        QCOMPARE(clipBytes.second, test::readFile(store->clipPath(e.id)));
        QCOMPARE(get("/api/events/" + e.id + "/thumbnail.jpg?token=e2e-secret").second,
                 test::readFile(store->snapshotPath(e.id, SnapshotKind::Thumbnail)));
        QVERIFY(wsEvents.contains("new:" + e.id));
        QVERIFY(wsEvents.contains("end:" + e.id));

        // The same from the command line, while the app runs (readers never block the writer).
        QProcess list;
        list.start(QStringLiteral(VIGIL_BINARY), {"--list-events", "--events-dir", eventsDir, "--since", "10m"});
        QVERIFY(list.waitForFinished(20000));
        QCOMPARE(list.exitCode(), 0);
        const QList<QByteArray> lines = list.readAllStandardOutput().trimmed().split('\n');
        QCOMPARE(lines.size(), 1);
        const QJsonObject listed = QJsonDocument::fromJson(lines.first()).object();
        QCOMPARE(listed["id"].toString(), e.id);
        QCOMPARE(listed["label"].toString(), QStringLiteral("person"));
        QVERIFY(listed["has_clip"].toBool());
        list.start(QStringLiteral(VIGIL_BINARY), {"--list-events", "--events-dir", eventsDir, "--camera-id", "other"});
        QVERIFY(list.waitForFinished(20000));
        QVERIFY(list.readAllStandardOutput().trimmed().isEmpty());
        pipeline.shutdown();
    }
};

QTEST_GUILESS_MAIN(TestEventsEndToEnd)
#include "tst_events_e2e.moc"
