// The viewer page in a real browser: headless Chromium loads GET / from the rebroadcast server and
// must draw live frames on its canvases. Driven over the DevTools protocol (CDP) with a QWebSocket:
// Runtime.evaluate reads the page's frame counters and samples the canvas pixels.
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
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>
#include <memory>

#include "pipeline/camera.h"
#include "demo/esp32_camera_server.h"
#include "processing/processing_scheduler.h"
#include "rebroadcast/rebroadcast_server.h"

using namespace vigil;

namespace {

const char* kChromium = "/usr/bin/chromium";

// Minimal CDP client: one evaluate at a time.
class Cdp : public QObject {
public:
    bool open(const QUrl& url)
    {
        QSignalSpy connected(&m_ws, &QWebSocket::connected);
        connect(&m_ws, &QWebSocket::textMessageReceived, this, [this](const QString& text) {
            const QJsonObject o = QJsonDocument::fromJson(text.toUtf8()).object();
            if (o.value("id").toInt() == m_id)
                m_result = o;
        });
        m_ws.open(url);
        return connected.wait(10000);
    }
    // Returns the string value of `expression` (which must evaluate to a string), empty on error.
    QString evaluate(const QString& expression)
    {
        m_result = {};
        ++m_id;
        const QJsonObject msg{
            {"id", m_id},
            {"method", "Runtime.evaluate"},
            {"params", QJsonObject{{"expression", expression}, {"returnByValue", true}}},
        };
        m_ws.sendTextMessage(QString::fromUtf8(QJsonDocument(msg).toJson(QJsonDocument::Compact)));
        QElapsedTimer t;
        t.start();
        while (m_result.isEmpty() && t.elapsed() < 5000)
            QTest::qWait(20);
        return m_result.value("result").toObject().value("result").toObject().value("value").toString();
    }

private:
    QWebSocket m_ws;
    int m_id = 0;
    QJsonObject m_result;
};

QByteArray httpGet(const QUrl& url)
{
    QNetworkAccessManager nam;
    QNetworkReply* reply = nam.get(QNetworkRequest(url));
    QSignalSpy done(reply, &QNetworkReply::finished);
    if (!reply->isFinished())
        done.wait(5000);
    const QByteArray body = reply->readAll();
    delete reply;
    return body;
}

} // namespace

class TestViewerPage : public QObject {
    Q_OBJECT
private slots:
    void liveFramesOnCanvas();
};

void TestViewerPage::liveFramesOnCanvas()
{
    if (!QFile::exists(kChromium))
        QSKIP("headless Chromium (/usr/bin/chromium, Debian package `chromium`) is not installed");

    ProcessingScheduler scheduler(2);
    std::vector<std::unique_ptr<Esp32CameraServer>> sources;
    std::vector<std::unique_ptr<Camera>> cameras;
    RebroadcastServer server;
    for (const QString& id : {"left", "right"}) {
        Esp32CameraServer::Options o;
        o.loopFrames = 30;
        sources.push_back(std::make_unique<Esp32CameraServer>(o));
        QVERIFY(sources.back()->listen());
        CameraConfig cfg;
        cfg.id = id;
        cfg.url = sources.back()->url();
        cfg.skipFrames = 1;
        cfg.maxFps = 30;
        cfg.detect = vigil::DetectMode::Off;
        cameras.push_back(std::make_unique<Camera>(cfg, &scheduler));
        cameras.back()->start();
        server.addCamera(cameras.back().get());
    }
    RebroadcastOptions ro;
    ro.token = "view-token";
    QString error;
    QVERIFY2(server.start(ro, &error), qPrintable(error));
    const QUrl pageUrl = server.viewerUrl();

    QTemporaryDir profile;
    QVERIFY(profile.isValid());
    profile.setAutoRemove(false);  // removed below, once Chromium has let go of it
    QProcess chromium;
    chromium.setProcessChannelMode(QProcess::MergedChannels);
    chromium.start(kChromium, {"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                               "--no-first-run", "--disable-background-networking",
                               "--disable-component-update", "--disable-sync",
                               "--user-data-dir=" + profile.path(), "--remote-debugging-address=127.0.0.1",
                               "--remote-debugging-port=0", "--remote-allow-origins=*",
                               "--window-size=1280,800", pageUrl.toString()});
    QVERIFY2(chromium.waitForStarted(10000), qPrintable(chromium.errorString()));
    auto cleanup = qScopeGuard([&] {
        server.stop();  // closes the page's sockets first: Chromium exits faster
        chromium.terminate();
        if (!chromium.waitForFinished(5000)) {
            chromium.kill();
            chromium.waitForFinished(5000);
        }
        // Chromium's helper processes may still write into the profile for a moment.
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < 5000) {
            QDir(profile.path()).removeRecursively();
            QTest::qWait(300);
            if (!QDir(profile.path()).exists())
                break;
        }
    });

    // Chromium writes the DevTools port it picked into the profile directory.
    const QString portFile = profile.filePath("DevToolsActivePort");
    QTRY_VERIFY_WITH_TIMEOUT(QFile(portFile).size() > 0 || chromium.state() != QProcess::Running, 30000);
    QVERIFY2(chromium.state() == QProcess::Running, chromium.readAll().right(2000).constData());
    QFile f(portFile);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const int cdpPort = f.readLine().trimmed().toInt();
    QVERIFY(cdpPort > 0);

    // The page target showing our viewer.
    QUrl wsDebugger;
    QElapsedTimer t;
    t.start();
    while (wsDebugger.isEmpty() && t.elapsed() < 15000) {
        const QJsonArray targets =
            QJsonDocument::fromJson(httpGet(QUrl(QString("http://127.0.0.1:%1/json/list").arg(cdpPort)))).array();
        for (const QJsonValue& v : targets) {
            const QJsonObject o = v.toObject();
            if (o.value("type") == "page" && o.value("url").toString().startsWith(pageUrl.toString(QUrl::RemoveQuery)))
                wsDebugger = QUrl(o.value("webSocketDebuggerUrl").toString());
        }
        if (wsDebugger.isEmpty())
            QTest::qWait(200);
    }
    QVERIFY2(!wsDebugger.isEmpty(), "viewer page target not found over CDP");
    Cdp cdp;
    QVERIFY(cdp.open(wsDebugger));

    // Poll until both canvases have drawn a good number of frames (live, not one still image).
    const QString expr = "JSON.stringify(window.vigilViewer ? window.vigilViewer.status() : null)";
    QJsonArray tiles;
    auto framesOk = [&] {
        tiles = QJsonDocument::fromJson(cdp.evaluate(expr).toUtf8()).array();
        if (tiles.size() != 2)
            return false;
        for (const QJsonValue& v : tiles)
            if (v.toObject().value("frames").toInt() < 30)
                return false;
        return true;
    };
    QTRY_VERIFY_WITH_TIMEOUT(framesOk(), 30000);
    const QJsonArray first = tiles;
    // Frames keep arriving on both tiles (a count, not a rate: a loaded machine only takes longer).
    auto advanced = [&] {
        if (!framesOk())
            return false;
        for (int i = 0; i < 2; ++i)
            if (tiles[i].toObject().value("frames").toInt() < first[i].toObject().value("frames").toInt() + 15)
                return false;
        return true;
    };
    QTRY_VERIFY_WITH_TIMEOUT(advanced(), 30000);

    for (int i = 0; i < 2; ++i) {
        const QJsonObject a = first[i].toObject();
        const QJsonObject b = tiles[i].toObject();
        qInfo("%s: %d frames, %d fps, latency %d ms, %d/%d lit samples", qPrintable(b.value("id").toString()),
              b.value("frames").toInt(), b.value("fps").toInt(), b.value("latencyMs").toInt(),
              b.value("litSamples").toInt(), b.value("samples").toInt());
        QCOMPARE(b.value("status").toString(), QString("live"));
        QVERIFY2(b.value("frames").toInt() >= a.value("frames").toInt() + 15, "frames keep arriving");
        // Not blank: a good share of the sampled canvas pixels are lit.
        QVERIFY(b.value("litSamples").toInt() > b.value("samples").toInt() / 10);
        QVERIFY(b.value("latencyMs").toInt() < 2000);
    }
    // The page's own status text is in the DOM as well.
    QVERIFY(cdp.evaluate("document.body.dataset.status") == "running");
    QVERIFY(cdp.evaluate("document.querySelector('.tile').dataset.frames").toInt() >= 30);
}

QTEST_GUILESS_MAIN(TestViewerPage)
#include "tst_viewer_page.moc"
