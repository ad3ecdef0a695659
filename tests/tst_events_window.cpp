// Events across the desktop window, end to end: the demo scene's real person walks into a yard
// watched with a real model; the tile shows the event while it lasts, the events panel lists it
// and follows it to its end, the focused camera's timeline marks it, a notification is given, and
// the clip opens in the player with the tracked box over the frames where the person was seen.
#include <QDockWidget>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QtTest>

#include "camera_grid.h"
#include "camera_manager.h"
#include "camera_tile.h"
#include "clip_player.h"
#include "clip_player_window.h"
#include "demo/esp32_camera_server.h"
#include "demo/scene_renderer.h"
#include "event_list_model.h"
#include "event_timeline.h"
#include "events/clip_playback.h"
#include "events/event_store.h"
#include "events_panel.h"
#include "main_window.h"
#include "test_util.h"
#include "theme.h"

using namespace vigil;

class TestEventsWindow : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_model;

private slots:
    void initTestCase()
    {
        m_model = test::modelsDir() + "/yolox_nano_coco80_416_fp32.onnx";
        if (!QFile::exists(m_model))
            QSKIP(qPrintable("shared models absent (looked in " + test::modelsDir() + "; set VIGIL_MODELS_DIR)"));
        QVERIFY(m_dir.isValid());
        for (const char* v : {"HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"})
            qputenv(v, QFile::encodeName(m_dir.filePath(v)));
        QStandardPaths::setTestModeEnabled(true);
        theme::apply(*qApp);
    }

    void aRealEventAcrossTheWindow()
    {
        // The demo scene at 10 FPS: the person walks in 2.5 s after the start, for 8 s.
        DemoSceneOptions scene;
        scene.fps = 10;
        scene.loopFrames = 10;
        scene.periodS = 60;
        scene.walkS = 8;
        Esp32CameraServer::Options o;
        o.fps = 10;
        Esp32CameraServer server(o);
        server.setFrames(renderDemoScene({640, 480}, 80, scene));
        QVERIFY(server.listen());

        AppSettings settings;
        settings.events.folder = m_dir.filePath("events");
        settings.events.preRollS = 1;
        settings.events.postRollS = 1;
        CameraConfig c;
        c.id = "yard";
        c.name = "Yard";
        c.url = server.url();
        c.skipFrames = 1;
        c.maxFps = 5;
        c.detect = DetectMode::Always;
        c.detector.modelPath = m_model;
        c.events.labels = {"person"};
        c.events.notify = true;
        settings.cameras << c;
        const QString config = m_dir.filePath("config.json");
        QVERIFY(saveAppSettings(settings, config));

        CameraManager manager(config);
        QVERIFY(manager.load().isEmpty());
        MainWindow window(&manager);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        CameraTile* tile = window.grid()->tile("yard");
        QVERIFY(tile);
        EventsPanel* panel = window.eventsPanel();
        QVERIFY(window.eventsDock()->isVisible());

        // In progress: the tile, the panel and a notification (the status bar: no tray offscreen).
        QTRY_COMPARE_WITH_TIMEOUT(tile->activeEvents(), QStringList{"person"}, 30000);
        QTRY_COMPARE_WITH_TIMEOUT(panel->model()->rowCount(), 1, 5000);
        const Event started = panel->model()->eventAt(0);
        QVERIFY(started.inProgress());
        QCOMPARE(started.camera, QStringLiteral("yard"));
        QTRY_VERIFY_WITH_TIMEOUT(window.statusBar()->currentMessage().contains("Person — Yard"), 5000);

        // Focused, the camera's timeline marks it.
        window.grid()->setFocusedCamera("yard");
        QTRY_VERIFY(window.timeline()->isVisible());
        QTRY_COMPARE_WITH_TIMEOUT(window.timeline()->marks().size(), 1, 5000);
        QCOMPARE(window.timeline()->marks().first().ids, QStringList{started.id});

        // It ends (10 s after the person left): the tile lets go, the panel row follows.
        QTRY_VERIFY_WITH_TIMEOUT(tile->activeEvents().isEmpty(), 40000);
        QTRY_VERIFY_WITH_TIMEOUT(!panel->model()->eventAt(0).inProgress(), 5000);
        QCOMPARE(panel->model()->rowCount(), 1);

        // Its clip plays, with the box where the person was seen.
        std::unique_ptr<EventStore> store = EventStore::openReadOnly(settings.events.folder);
        QTRY_VERIFY_WITH_TIMEOUT(store->event(started.id, false)->hasClip, 15000);
        ClipPlayerWindow* player = window.playEventClip(started.id);
        QVERIFY(player);
        ClipPlayer* p = player->player();
        QVERIFY2(p->message().isEmpty(), qPrintable(p->message()));
        QVERIFY(p->playback()->frameCount() > 50);   // 8 s walk, 10 FPS, plus pre- and post-roll
        QVERIFY(!p->track().ranges().isEmpty());
        const ClipRange seen = p->track().ranges().first();
        p->playback()->seekToFrame(p->playback()->frameAt((seen.startMs + seen.endMs) / 2));
        QTRY_VERIFY(p->shownBox().has_value());
        player->close();
    }
};

QTEST_MAIN(TestEventsWindow)
#include "tst_events_window.moc"
