// Remote nodes end to end: a real headless `vigil` node (its demo camera, where a real person
// walks through ~5 s after start, every 40 s; a real model, so real events) mirrored into an
// in-process Pipeline: its camera appears live and named, its event is imported into the local
// store live (in progress, then ended with its pictures), a wrong token says "unauthorised", and
// removing the node removes its camera. Through a CameraManager, the node list is saved and loaded
// and its cameras are never saved; the Add remote node dialog lists the node's cameras.
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QWebSocket>

#include "camera_grid.h"
#include "camera_manager.h"
#include "main_window.h"
#include "common/redact.h"
#include "events/event_service.h"
#include "events/clip_reader.h"
#include "events/event_store.h"
#include "pipeline/pipeline.h"
#include "remote/remote_event_mirror.h"
#include "remote/remote_node.h"
#include "remote_node_dialog.h"
#include "test_util.h"

using namespace vigil;

namespace {
constexpr const char* kToken = "node-s3cret";

int freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}
} // namespace

class TestRemoteNode : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QProcess m_node;
    QUrl m_url;
    QString m_model;

    AppSettings localSettings(const QString& eventsSub, const QString& token = kToken) const
    {
        AppSettings s;
        s.events.folder = m_dir.filePath(eventsSub);
        s.remoteNodes << RemoteNodeConfig{"attic", m_url, token};
        return s;
    }

private slots:
    void initTestCase()
    {
        m_model = test::modelsDir() + "/yolox_nano_coco80_416_fp32.onnx";
        if (!QFile::exists(m_model))
            QSKIP(qPrintable("the shared model is absent (looked for " + m_model + "; set VIGIL_MODELS_DIR)"));
        QVERIFY(m_dir.isValid());
        const int port = freePort();
        m_url = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port));
        m_node.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_node.start(QStringLiteral(VIGIL_BINARY),
                     {"--headless", "--demo", "--model", m_model, "--ws-port", QString::number(port),
                      "--ws-token", kToken, "--events-dir", m_dir.filePath("node-events"), "--workers", "1"});
        QVERIFY2(m_node.waitForStarted(10000), qPrintable(m_node.errorString()));
        // Up when its API answers.
        QNetworkAccessManager nam;
        QDeadlineTimer deadline(20000);
        int status = 0;
        while (status != 200 && !deadline.hasExpired() && m_node.state() == QProcess::Running) {
            QNetworkRequest req(m_url.resolved(QUrl("/api/cameras")));
            req.setRawHeader("Authorization", QByteArray("Bearer ") + kToken);
            std::unique_ptr<QNetworkReply> reply(nam.get(req));
            QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), 5000);
            status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            if (status != 200)
                QTest::qWait(200);
        }
        QCOMPARE(status, 200);
    }

    void cleanupTestCase()
    {
        if (m_node.state() == QProcess::Running) {
            m_node.terminate();
            if (!m_node.waitForFinished(10000))
                m_node.kill();
        }
    }

    void cameraAppearsLiveAndEventsAreImported()
    {
        Pipeline pipeline(localSettings("local-events"));
        QVERIFY(pipeline.events());
        QSignalSpy imports(pipeline.events(), &EventService::eventChanged);
        pipeline.start();
        QVERIFY2(pipeline.startProblems().isEmpty(), qPrintable(pipeline.startProblems().join("; ")));
        QCOMPARE(pipeline.remoteNodes().size(), 1);
        RemoteNode* node = pipeline.remoteNode("attic");
        QVERIFY(node);

        // The node's camera, live here, named after the node, not detecting again.
        QTRY_VERIFY_WITH_TIMEOUT(pipeline.camera("attic-demo"), 10000);
        Camera* cam = pipeline.camera("attic-demo");
        QCOMPARE(node->state(), RemoteNodeState::Online);
        QCOMPARE(cam->config().displayName(), QStringLiteral("Demo camera (attic)"));
        QCOMPARE(cam->config().remoteNode, QStringLiteral("attic"));
        QCOMPARE(cam->config().detect, DetectMode::Off);
        QVERIFY(!redactedUrlString(cam->config().url).contains(kToken));
        QTRY_VERIFY_WITH_TIMEOUT(cam->stats().read > 5, 10000);
        QCOMPARE(cam->state(), CameraState::Live);

        // The person's event: imported while in progress (live, from the node's WebSocket), then
        // ended with its pictures. Its local id names the node; its camera is the local one.
        std::unique_ptr<EventStore> store = EventStore::openReadOnly(pipeline.events()->folder());
        auto imported = [&] {
            EventQuery q;
            q.camera = "attic-demo";
            q.limit = 100;
            return store->query(q);
        };
        auto sawInProgress = [&] {
            for (const QList<QVariant>& c : std::as_const(imports))
                if (c.at(0).toString() == "new" && c.at(1).toJsonObject()["end_time"].isNull())
                    return true;
            return false;
        };
        QTRY_VERIFY_WITH_TIMEOUT(sawInProgress(), 30000);
        QVERIFY(!imported().isEmpty());
        const QString id = imported().first().id;
        QVERIFY2(id.startsWith("attic."), qPrintable(id));
        QTRY_VERIFY_WITH_TIMEOUT([&] {
            const std::optional<Event> e = store->event(id, true);
            return e && !e->inProgress() && e->hasSnapshot;
        }(), 45000);
        const Event e = *store->event(id, true);
        QCOMPARE(e.camera, QStringLiteral("attic-demo"));
        QCOMPARE(e.cameraName, QStringLiteral("Demo camera"));
        QCOMPARE(e.label, QStringLiteral("person"));
        QVERIFY(e.track.size() >= 2);  // fetched with the event once it ended
        QVERIFY(QFile::exists(store->snapshotPath(id, SnapshotKind::Thumbnail)));
        QVERIFY(QFile::exists(store->snapshotPath(id, SnapshotKind::BoundingBox)));
        QVERIFY(test::readFile(store->snapshotPath(id, SnapshotKind::Clean)).startsWith("\xFF\xD8"));
        bool endSignalled = false;
        for (const QList<QVariant>& c : std::as_const(imports))
            endSignalled |= c.at(0).toString() == "end" && c.at(1).toJsonObject()["id"].toString() == id;
        QVERIFY(endSignalled);
        QVERIFY(node->events() && node->events()->isConnected());

        // Its clip stays on the node; fetched when wanted, it plays. (The node attaches it after
        // its post-roll: until then the node answers 404.)
        QCOMPARE(pipeline.remoteNodeOfEvent(id), node);
        QVERIFY(!node->remoteEventId(id).isEmpty());
        QVERIFY(!pipeline.remoteNodeOfEvent("vm-demo-1-2-3"));
        const QString clipPath = m_dir.filePath("fetched/" + id + ".mkv");
        bool fetched = false;
        QString why;
        QElapsedTimer waited;
        waited.start();
        while (!fetched && waited.elapsed() < 30000) {
            bool done = false;
            node->fetchClip(id, clipPath, [&](bool ok, const QString& error) {
                fetched = ok;
                why = error;
                done = true;
            });
            QTRY_VERIFY_WITH_TIMEOUT(done, 65000);
            if (!fetched)
                QTest::qWait(1000);
        }
        QVERIFY2(fetched, qPrintable(why));
        ClipReader clip;
        QVERIFY2(clip.open(clipPath), qPrintable(clip.error()));
        QVERIFY(clip.frameCount() > 10);

        // Removing the node removes its camera; its imported events stay.
        QSignalSpy removed(&pipeline, &Pipeline::cameraRemoved);
        QVERIFY(pipeline.removeRemoteNode("attic"));
        QCOMPARE(removed.size(), 1);
        QCOMPARE(removed.first().at(0).toString(), QStringLiteral("attic-demo"));
        QVERIFY(!pipeline.camera("attic-demo"));
        QVERIFY(pipeline.remoteNodes().isEmpty());
        QVERIFY(pipeline.settings().remoteNodes.isEmpty());
        QVERIFY(store->event(id, false));
        pipeline.shutdown();
    }

    void wrongTokenIsUnauthorised()
    {
        Pipeline pipeline(localSettings("wrong-token-events", "not-the-token"));
        pipeline.start();
        RemoteNode* node = pipeline.remoteNode("attic");
        QVERIFY(node);
        QTRY_COMPARE_WITH_TIMEOUT(node->state(), RemoteNodeState::Unauthorised, 10000);
        QVERIFY2(node->reason().contains("401"), qPrintable(node->reason()));
        QVERIFY(!node->reason().contains("not-the-token"));
        QVERIFY(pipeline.cameras().isEmpty());
        pipeline.shutdown();
    }

    void nodeListIsSavedAndItsCamerasAreNot()
    {
        const QString path = m_dir.filePath("config/config.json");
        {
            AppSettings s = localSettings("manager-events");
            s.remoteNodes.clear();
            QVERIFY(saveAppSettings(s, path));
        }
        {
            CameraManager manager(path);
            manager.load();
            QString error;
            QVERIFY2(manager.addRemoteNode(RemoteNodeConfig{"attic", m_url, kToken}, &error), qPrintable(error));
            QVERIFY(!manager.addRemoteNode(RemoteNodeConfig{"Attic", m_url, kToken}, &error));
            QVERIFY2(error.contains("exists"), qPrintable(error));
            QTRY_VERIFY_WITH_TIMEOUT(manager.camera("attic-demo"), 10000);
            QVERIFY(manager.saveNow());
        }
        const QJsonObject saved = QJsonDocument::fromJson(test::readFile(path)).object();
        QCOMPARE(saved["cameras"].toArray().size(), 0);
        const QJsonArray nodes = saved["remote_nodes"].toArray();
        QCOMPARE(nodes.size(), 1);
        QCOMPARE(nodes.first()["name"].toString(), QStringLiteral("attic"));
        QCOMPARE(nodes.first()["token"].toString(), QString::fromLatin1(kToken));
        QCOMPARE(QFile::permissions(path) & (QFile::ReadOther | QFile::ReadGroup), QFile::Permissions());
        {
            // Loaded again: the node starts from the settings and brings its camera back.
            CameraManager manager(path);
            manager.load();
            QCOMPARE(manager.remoteNodes().size(), 1);
            QTRY_VERIFY_WITH_TIMEOUT(manager.camera("attic-demo"), 10000);
            QVERIFY(!manager.isPersistent("attic-demo"));
            QVERIFY(manager.removeRemoteNode("attic"));
            QVERIFY(!manager.camera("attic-demo"));
        }
        const QJsonObject after = QJsonDocument::fromJson(test::readFile(path)).object();
        QVERIFY(after["remote_nodes"].toArray().isEmpty());
        QCOMPARE(after["cameras"].toArray().size(), 0);
    }

    void eventsOnlySocketGetsNoFrames()
    {
        // What the mirror listens to: event messages only; plain /ws gets frames.
        auto count = [&](const QString& query) {
            QWebSocket ws;
            int frames = 0;
            connect(&ws, &QWebSocket::textMessageReceived, this, [&](const QString& text) {
                frames += QJsonDocument::fromJson(text.toUtf8()).object()["type"].toString() == "frame";
            });
            connect(&ws, &QWebSocket::binaryMessageReceived, this, [&] { ++frames; });
            QUrl url = m_url.resolved(QUrl("/ws?token=" + QString::fromLatin1(kToken) + query));
            url.setScheme("ws");
            ws.open(url);
            QDeadlineTimer deadline(5000);
            while (ws.state() != QAbstractSocket::ConnectedState && !deadline.hasExpired())
                QTest::qWait(20);
            QTest::qWait(1500);
            return ws.state() == QAbstractSocket::ConnectedState ? frames : -1;
        };
        QCOMPARE(count("&frames=0"), 0);
        QVERIFY(count(QString()) > 3);
    }

    void mainWindowListsAndRemovesTheNode()
    {
        const QString path = m_dir.filePath("window/config.json");
        AppSettings s = localSettings("window-events");
        QVERIFY(saveAppSettings(s, path));
        CameraManager manager(path);
        manager.load();
        MainWindow window(&manager);
        window.show();
        QTRY_VERIFY_WITH_TIMEOUT(window.grid()->tile("attic-demo"), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(manager.remoteNodes().first()->state() == RemoteNodeState::Online, 5000);
        emit window.remoteNodesMenu()->aboutToShow();
        QAction* remove = window.remoteNodesMenu()->findChild<QAction*>("removeRemoteNode:attic");
        QVERIFY(remove);
        QVERIFY2(remove->text().contains("online"), qPrintable(remove->text()));
        // A remote camera is not edited here (its node's); removing it means removing the node.
        window.grid()->select("attic-demo");
        QVERIFY(!window.openEditCameraDialog("attic-demo"));
        remove->trigger();
        auto* box = window.findChild<QMessageBox*>("confirmRemoveRemoteNode");
        QVERIFY(box);
        QPushButton* yes = nullptr;
        for (QAbstractButton* b : box->buttons())
            if (box->buttonRole(b) == QMessageBox::DestructiveRole)
                yes = qobject_cast<QPushButton*>(b);
        QVERIFY(yes);
        yes->click();
        QTRY_VERIFY_WITH_TIMEOUT(!window.grid()->tile("attic-demo"), 5000);
        QVERIFY(manager.remoteNodes().isEmpty());
        QVERIFY(QJsonDocument::fromJson(test::readFile(path)).object()["remote_nodes"].toArray().isEmpty());
    }

    void dialogTestListsTheNodesCameras()
    {
        RemoteNodeDialog dlg({"garage"});
        dlg.setConfig(RemoteNodeConfig{"garage", m_url, kToken});
        QVERIFY(dlg.validationError().contains("exists"));
        dlg.setConfig(RemoteNodeConfig{"attic", m_url, "wrong"});
        QVERIFY(dlg.validationError().isEmpty());
        QSignalSpy tested(&dlg, &RemoteNodeDialog::testFinished);
        dlg.testConnection();
        QTRY_COMPARE_WITH_TIMEOUT(tested.size(), 1, 10000);
        QCOMPARE(tested.first().at(0).toBool(), false);
        QVERIFY2(dlg.testMessage().contains("Unauthorised"), qPrintable(dlg.testMessage()));
        dlg.setConfig(RemoteNodeConfig{"attic", m_url, kToken});
        dlg.testConnection();
        QTRY_COMPARE_WITH_TIMEOUT(tested.size(), 2, 10000);
        QCOMPARE(tested.at(1).at(0).toBool(), true);
        QCOMPARE(dlg.testedCameras(), QStringList{"Demo camera (demo)"});
        QCOMPARE(dlg.config().token, QString::fromLatin1(kToken));
    }
};

QTEST_MAIN(TestRemoteNode)
#include "tst_remote_node.moc"
