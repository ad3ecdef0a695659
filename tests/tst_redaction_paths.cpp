// Secrets in a camera URL (user info, ?usr= &passwd= &apikey= &token=) and the rebroadcast token
// never leave through what the desktop shows or writes: log lines, the tile's tooltips, the stats
// panel, the status bar, snapshot files, the WebSocket messages and the HTTP pages/API.
// (The headless outputs are covered by tst_cli::secretsNeverLeaveThroughHeadlessOutputs.)
#include <QDir>
#include <QDirIterator>
#include <QHelpEvent>
#include <QLabel>
#include <QMutex>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTableWidget>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTextDocument>
#include <QToolTip>
#include <QWebSocket>
#include <QtTest>

#include "camera_grid.h"
#include "camera_manager.h"
#include "camera_tile.h"
#include "demo/esp32_camera_server.h"
#include "main_window.h"
#include "stats_panel.h"

using namespace vigil;

namespace {

QMutex g_logMutex;
QByteArray g_log;
QtMessageHandler g_previousHandler = nullptr;

void captureLog(QtMsgType type, const QMessageLogContext& context, const QString& message)
{
    {
        QMutexLocker lock(&g_logMutex);
        g_log += qFormatLogMessage(type, context, message).toUtf8() + '\n';
    }
    if (g_previousHandler)
        g_previousHandler(type, context, message);
}

// The camera's secrets, then the rebroadcast token.
const QByteArray kSecrets[] = {"s3cretpw", "usrval", "pwdval", "keyval", "tokval", "wstok3n"};
const QByteArray kRebroadcastToken = "wstok3n";

// The first secret found in `text`, or empty. The viewer page is served only to a client that
// presented the rebroadcast token, and passes it on to its own requests: it may echo it.
QByteArray leakIn(const QByteArray& text, bool mayEchoToken)
{
    for (const QByteArray& s : kSecrets)
        if (text.contains(s) && !(mayEchoToken && s == kRebroadcastToken))
            return s;
    return {};
}

QString plainText(const QString& richText)
{
    QTextDocument doc;
    doc.setHtml(richText);
    return doc.toPlainText();
}

} // namespace

class TestRedactionPaths : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        g_previousHandler = qInstallMessageHandler(captureLog);
    }

    void cleanupTestCase() { qInstallMessageHandler(g_previousHandler); }

    void secretsNeverLeaveThroughTheDesktopAndTheRebroadcast()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        Esp32CameraServer::Options o;
        o.fps = 30;
        o.size = QSize(320, 240);
        Esp32CameraServer server(o);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        auto secretUrl = [](QUrl url) {
            url.setUserName("admin");
            url.setPassword("s3cretpw");
            url.setQuery("usr=usrval&passwd=pwdval&apikey=keyval&token=tokval&size=vga");
            return url;
        };
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        const quint16 port = probe.serverPort();
        probe.close();

        PipelineOverrides overrides;
        overrides.workers = 1;
        overrides.wsPort = port;
        overrides.wsBind = "127.0.0.1";
        overrides.wsToken = "wstok3n";
        CameraManager manager(dir.filePath("config.json"), overrides);
        QVERIFY(manager.load().isEmpty());
        AppSettings s = manager.settings();
        s.snapshotDir = dir.filePath("snaps");
        manager.setSettings(s);
        QVERIFY(manager.rebroadcastRunning());
        MainWindow window(&manager);
        window.resize(1280, 800);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));

        // One camera streams; one is refused; one answers 404. All three URLs carry the secrets.
        CameraConfig door;
        door.id = "door";
        door.url = secretUrl(server.url());
        door.detect = vigil::DetectMode::Off;
        CameraConfig refused = door;
        refused.id = "refused";
        refused.url = secretUrl(QUrl("http://127.0.0.1:1/x"));
        CameraConfig missing = door;
        missing.id = "missing";
        QUrl nope = server.url();
        nope.setPath("/nope");
        missing.url = secretUrl(nope);
        Camera* live = manager.addCamera(door);
        Camera* down = manager.addCamera(refused);
        Camera* notFound = manager.addCamera(missing);
        QVERIFY(live && down && notFound);
        QTRY_COMPARE_WITH_TIMEOUT(live->state(), CameraState::Live, 15000);
        QTRY_VERIFY_WITH_TIMEOUT(!down->stateReason().isEmpty() && !notFound->stateReason().isEmpty(), 15000);
        CameraTile* liveTile = window.grid()->tile("door");
        QVERIFY(liveTile);
        QTRY_VERIFY_WITH_TIMEOUT(liveTile->framesPainted() > 0, 15000);

        // The WebSocket: frame and stats messages of every camera.
        QWebSocket ws;
        QByteArray wsText;
        bool sawFrame = false, sawStats = false;
        connect(&ws, &QWebSocket::textMessageReceived, this, [&](const QString& text) {
            const QByteArray bytes = text.toUtf8();
            sawFrame = sawFrame || bytes.contains("\"type\":\"frame\"");
            sawStats = sawStats || bytes.contains("\"type\":\"stats\"");
            // The metadata only: the base64 JPEG could spell anything.
            const qsizetype data = bytes.indexOf("\"data\":\"");
            wsText += (data < 0 ? bytes : bytes.left(data)) + '\n';
        });
        ws.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/ws?token=wstok3n").arg(port)));
        QTRY_VERIFY_WITH_TIMEOUT(sawFrame && sawStats, 20000);
        ws.close();

        // The HTTP page and API.
        QByteArray http;
        QNetworkAccessManager nam;
        for (const char* path : {"/", "/api/cameras", "/api/stats"}) {
            QNetworkReply* reply = nam.get(QNetworkRequest(QUrl(QStringLiteral("http://127.0.0.1:%1%2?token=wstok3n").arg(port).arg(path))));
            QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), 10000);
            QCOMPARE(reply->error(), QNetworkReply::NoError);
            http += reply->readAll() + '\n';
            reply->deleteLater();
        }
        QVERIFY2(http.contains("refused") && http.contains("missing"), http.constData());

        // Every tile's tooltips: the picture (name and URL), the state badge (state and reason).
        QStringList tips;
        for (const QString& id : {QString("door"), QString("refused"), QString("missing")}) {
            CameraTile* tile = window.grid()->tile(id);
            QVERIFY(tile);
            QTRY_VERIFY_WITH_TIMEOUT(!tile->stateBadgeRect().isEmpty(), 5000);
            for (const QPoint& at : {tile->rect().center(), tile->stateBadgeRect().center()}) {
                QHelpEvent help(QEvent::ToolTip, at, tile->mapToGlobal(at));
                QApplication::sendEvent(tile, &help);
                tips << QToolTip::text();
            }
        }
        const QString allTips = tips.join('\n');
        QVERIFY2(allTips.contains("127.0.0.1") && allTips.contains("refused"), qPrintable(allTips));

        // The stats panel: every cell and its tooltip, once the reasons are in.
        StatsPanel* stats = window.statsPanel();
        QTableWidget* table = stats->table();
        QString panel;
        auto readPanel = [&] {
            stats->refresh();
            panel.clear();
            for (int r = 0; r < table->rowCount(); ++r)
                for (int c = 0; c < table->columnCount(); ++c)
                    if (const QTableWidgetItem* item = table->item(r, c))
                        panel += item->text() + '\t' + item->toolTip() + '\n';
            return table->rowCount() == 3 && panel.contains("refused") && panel.contains("404");
        };
        QTRY_VERIFY2_WITH_TIMEOUT(readPanel(), qPrintable(panel), 10000);

        // The status bar: the camera count and the rebroadcast link as shown (its href keeps the
        // token so that a click opens the viewer).
        QString statusBar;
        for (QLabel* label : window.statusBar()->findChildren<QLabel*>())
            statusBar += plainText(label->text()) + '\t' + label->toolTip() + '\n';
        QVERIFY2(statusBar.contains("token=***"), qPrintable(statusBar));

        // Snapshots of every camera: the image and the JSON sidecar.
        QSignalSpy done(&window, &MainWindow::snapshotsFinished);
        window.snapshotAll();
        QTRY_COMPARE_WITH_TIMEOUT(done.size(), 1, 15000);
        QVERIFY(done.at(0).at(0).toInt() >= 1);
        QByteArray snapshots;
        int sidecars = 0;
        for (QDirIterator it(dir.filePath("snaps"), QDir::Files, QDirIterator::Subdirectories); it.hasNext();) {
            QFile f(it.next());
            QVERIFY(f.open(QIODevice::ReadOnly));
            snapshots += f.readAll();
            sidecars += f.fileName().endsWith(".json") ? 1 : 0;
        }
        QVERIFY(sidecars >= 1);

        QByteArray log;
        {
            QMutexLocker lock(&g_logMutex);
            log = g_log;
        }
        QVERIFY2(log.contains("refused"), log.constData());  // the reasons were logged
        const struct {
            const char* where;
            QByteArray text;
            bool mayEchoToken = false;
        } outputs[] = {{"the WebSocket messages", wsText},
                       {"the HTTP page/API", http, true},
                       {"a tile tooltip", allTips.toUtf8()},
                       {"the stats panel", panel.toUtf8()},
                       {"the status bar", statusBar.toUtf8()},
                       {"a snapshot file", snapshots},
                       {"the log", log}};
        for (const auto& out : outputs) {
            const QByteArray secret = leakIn(out.text, out.mayEchoToken);
            QVERIFY2(secret.isEmpty(), (secret + " in " + out.where + ":\n" + out.text.left(4000)).constData());
        }
    }
};

QTEST_MAIN(TestRedactionPaths)
#include "tst_redaction_paths.moc"
