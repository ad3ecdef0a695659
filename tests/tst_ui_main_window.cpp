// The desktop UI end to end, offscreen: add a camera through the dialog, watch it stream, tune it
// live, take snapshots (and fail to), focus/grid, and grab the window. Each test starts from
// nothing (init/cleanup): its own folders, camera server, manager and window, in any order.
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTableWidget>
#include <QToolTip>
#include <QHelpEvent>
#include <QTemporaryDir>
#include <QElapsedTimer>
#include <QtTest>
#include <cmath>
#include <memory>

#include "camera_dialog.h"
#include "camera_grid.h"
#include "camera_manager.h"
#include "camera_tile.h"
#include "main_window.h"
#include "mask_dialog.h"
#include "polygon_editor.h"
#include "demo/esp32_camera_server.h"
#include "stats_chart.h"
#include "stats_panel.h"
#include "theme.h"
#include "tuning_panel.h"

using namespace vigil;

class TestUiMainWindow : public QObject {
    Q_OBJECT

private:
    // Every test gets its own: temporary folder (config file, snapshots, $HOME and the XDG
    // folders), camera server, CameraManager and MainWindow. None depends on another's state.
    std::unique_ptr<QTemporaryDir> m_dir;
    QTemporaryDir m_cacheDir;              // font caches: the same for the whole run
    QHash<QByteArray, QByteArray> m_savedEnv;
    Esp32CameraServer* m_server = nullptr;
    CameraManager* m_manager = nullptr;
    MainWindow* m_window = nullptr;
    QString m_camId;

    static inline const QByteArray kEnvVars[] = {"HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME",
                                                 "XDG_CACHE_HOME", "VIGIL_MODEL"};

    QString configPath() const { return m_dir->filePath("config/config.json"); }

    static double variance(const QImage& image)
    {
        const QImage g = image.convertToFormat(QImage::Format_Grayscale8);
        double sum = 0, sq = 0;
        const int n = g.width() * g.height();
        for (int y = 0; y < g.height(); ++y) {
            const uchar* line = g.constScanLine(y);
            for (int x = 0; x < g.width(); ++x) {
                sum += line[x];
                sq += double(line[x]) * line[x];
            }
        }
        const double mean = sum / n;
        return sq / n - mean * mean;
    }

    // Adds the "Loading dock" camera (no detection) and waits until its tile paints frames.
    // Sets m_camId; check QTest::currentTestFailed() after calling.
    void startLoadingDock(int skipFrames = 1)
    {
        CameraConfig c;
        c.name = "Loading dock";
        c.url = m_server->url();
        c.detect = vigil::DetectMode::Off;
        c.skipFrames = skipFrames;
        c.maxFps = 30;
        Camera* cam = m_manager->addCamera(c);
        QVERIFY(cam);
        m_camId = cam->id();
        CameraTile* tile = m_window->grid()->tile(m_camId);
        QVERIFY(tile);
        QTRY_COMPARE_WITH_TIMEOUT(cam->state(), CameraState::Live, 15000);
        QTRY_VERIFY_WITH_TIMEOUT(tile->framesPainted() > 0, 15000);
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_cacheDir.isValid());
        for (const QByteArray& name : kEnvVars)
            m_savedEnv.insert(name, qgetenv(name));
        qputenv("XDG_CACHE_HOME", QFile::encodeName(m_cacheDir.path()));
        qunsetenv("VIGIL_MODEL");  // the dialog's model hint must come from the test's own folder
        // Test mode as well: QStandardPaths then uses $HOME/.qttest, never the user's folders.
        QStandardPaths::setTestModeEnabled(true);
        theme::apply(*qApp);
    }

    void cleanupTestCase()
    {
        for (auto it = m_savedEnv.cbegin(); it != m_savedEnv.cend(); ++it) {
            if (it.value().isNull())
                qunsetenv(it.key());
            else
                qputenv(it.key(), it.value());
        }
    }

    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        qputenv("HOME", QFile::encodeName(m_dir->filePath("home")));
        qputenv("XDG_CONFIG_HOME", QFile::encodeName(m_dir->filePath("home/.config")));
        qputenv("XDG_DATA_HOME", QFile::encodeName(m_dir->filePath("home/.local/share")));
        qputenv("XDG_STATE_HOME", QFile::encodeName(m_dir->filePath("home/.local/state")));
        QVERIFY(QDir().mkpath(m_dir->filePath("home")));
        QVERIFY(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation).startsWith(m_dir->path()));

        Esp32CameraServer::Options o;
        o.fps = 30;
        o.size = QSize(320, 240);
        m_server = new Esp32CameraServer(o);
        QVERIFY(m_server->listen(QHostAddress::LocalHost, 0));

        PipelineOverrides overrides;
        overrides.workers = 2;
        m_manager = new CameraManager(configPath(), overrides);
        QVERIFY(m_manager->load().isEmpty());
        QVERIFY(m_manager->isFirstLaunch());
        AppSettings s = m_manager->settings();
        s.snapshotDir = m_dir->filePath("snaps");
        m_manager->setSettings(s);
        QVERIFY(m_manager->saveNow());
        m_window = new MainWindow(m_manager);
        m_window->resize(1280, 800);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window));
    }

    void cleanup()
    {
        // The window first (it drains its snapshot jobs), then the cameras, then their server.
        delete m_window;
        m_window = nullptr;
        delete m_manager;
        m_manager = nullptr;
        delete m_server;
        m_server = nullptr;
        m_camId.clear();
        m_dir.reset();
    }

    void emptyStateOnFirstLaunch()
    {
        QVERIFY(m_window->showingEmptyState());
        QVERIFY(m_window->findChild<QPushButton*>("demoButton"));
        const QImage shot = m_window->grab().toImage();
        QVERIFY(shot.save(QDir(QCoreApplication::applicationDirPath()).filePath("tst_ui_empty_state.png")));
        QVERIFY(variance(shot) > 5);
    }

    void dialogValidatesUrl()
    {
        CameraDialog* dlg = m_window->openAddCameraDialog();
        QVERIFY(dlg);
        auto* url = dlg->findChild<QLineEdit*>("url");
        auto* ok = dlg->findChild<QPushButton*>("primary");
        QVERIFY(url && ok);
        url->setText("ftp://example.com/stream");
        QVERIFY(!dlg->urlError().isEmpty());
        QVERIFY(!ok->isEnabled());
        url->setText("example.com/stream");
        QVERIFY(dlg->urlError().contains("http://"));
        url->setText(m_server->url().toString());
        QVERIFY(dlg->urlError().isEmpty());
        QVERIFY(ok->isEnabled());

        // Test connection: a frame from the real server ...
        QSignalSpy spy(dlg, &CameraDialog::testFinished);
        dlg->testConnection();
        QTRY_COMPARE_WITH_TIMEOUT(spy.size(), 1, 10000);
        QVERIFY2(spy.at(0).at(0).toBool(), qPrintable(spy.at(0).at(1).toString()));
        QVERIFY(spy.at(0).at(1).toString().contains("320"));
        QVERIFY(dlg->grab().toImage().save(QDir(QCoreApplication::applicationDirPath()).filePath("tst_ui_camera_dialog.png")));
        // ... and the exact reason for a wrong path and for a closed port.
        QUrl bad = m_server->url();
        bad.setPath("/nope");
        url->setText(bad.toString());
        dlg->testConnection();
        QTRY_COMPARE_WITH_TIMEOUT(spy.size(), 2, 10000);
        QVERIFY(!spy.at(1).at(0).toBool());
        QVERIFY2(spy.at(1).at(1).toString().contains("404"), qPrintable(spy.at(1).at(1).toString()));
        url->setText("http://127.0.0.1:1/stream");
        dlg->testConnection();
        QTRY_COMPARE_WITH_TIMEOUT(spy.size(), 3, 10000);
        QVERIFY(!spy.at(2).at(0).toBool());
        QVERIFY2(spy.at(2).at(1).toString().contains("refused"), qPrintable(spy.at(2).at(1).toString()));
        dlg->reject();
        QVERIFY(m_window->showingEmptyState());
    }

    void dialogOffersInstalledModels()
    {
        // A model "installed" by models/fetch.sh into the user's data directory (test mode).
        const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + "/models";
        QVERIFY(QDir().mkpath(dir));
        const QString onnx = dir + "/yolox_nano_coco80_416_fp32.onnx";
        QFile f(onnx);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.close();
        CameraDialog* dlg = m_window->openAddCameraDialog();
        auto* choose = dlg->findChild<QPushButton*>("chooseModel");
        QVERIFY(choose && choose->menu());
        emit choose->menu()->aboutToShow();
        QAction* pick = nullptr;
        QStringList texts;
        for (QAction* a : choose->menu()->actions()) {
            texts << a->text();
            if (a->text().contains("yolox_nano"))
                pick = a;
        }
        QVERIFY2(pick, qPrintable(texts.join(" | ")));
        QVERIFY(texts.contains(QStringLiteral("Browse for a file…")));
        pick->trigger();
        QCOMPARE(dlg->findChild<QLineEdit*>("model")->text(), onnx);
        bool named = false;
        for (QLabel* l : dlg->findChildren<QLabel*>("hint"))
            named = named || l->text().contains("Uses yolox_nano");
        QVERIFY(named);
        dlg->reject();
        QVERIFY(QFile::remove(onnx));
    }

    void addCameraThroughDialog()
    {
        CameraDialog* dlg = m_window->openAddCameraDialog();
        dlg->findChild<QLineEdit*>("name")->setText("Loading dock");
        dlg->findChild<QLineEdit*>("url")->setText(m_server->url().toString());
        // Detection off is a detect mode now (the old checkbox).
        auto* mode = dlg->findChild<QComboBox*>("detectMode");
        QVERIFY(mode);
        mode->setCurrentIndex(mode->findData(int(DetectMode::Off)));
        QVERIFY(!dlg->findChild<QLineEdit*>("model")->isEnabled());
        dlg->findChild<QSpinBox*>("skipFrames")->setValue(1);
        dlg->findChild<QSpinBox*>("maxFps")->setValue(30);
        dlg->accept();

        QCOMPARE(m_manager->cameras().size(), 1);
        Camera* cam = m_manager->cameras().first();
        m_camId = cam->id();
        QCOMPARE(m_camId, QString("loading-dock"));
        QCOMPARE(cam->config().displayName(), QString("Loading dock"));
        QVERIFY(!m_window->showingEmptyState());

        CameraTile* tile = m_window->grid()->tile(m_camId);
        QVERIFY(tile);
        QTRY_VERIFY_WITH_TIMEOUT(tile->sink()->delivered() > 10, 15000);
        QTRY_VERIFY_WITH_TIMEOUT(tile->framesPainted() > 5, 10000);
        QCOMPARE(cam->state(), CameraState::Live);
        // Hovering the picture tells what the screen itself skipped (latest wins there too).
        const QPoint mid(tile->width() / 2, tile->height() / 2);
        QHelpEvent help(QEvent::ToolTip, mid, tile->mapToGlobal(mid));
        QApplication::sendEvent(tile, &help);
        QVERIFY2(QToolTip::text().contains("results painted"), qPrintable(QToolTip::text()));
        // The workers scale to the tile: the image is no larger than the tile in device pixels.
        const QSize shown = tile->currentFrame()->image.size();
        QVERIFY2(shown.width() <= tile->width() * tile->devicePixelRatioF() + 1, qPrintable(QString::number(shown.width())));

        // Saved: a new load sees the camera.
        QVERIFY(m_manager->saveNow());
        const AppSettingsLoad loaded = loadAppSettings(configPath());
        QVERIFY2(loaded.message.isEmpty(), qPrintable(loaded.message));
        QCOMPARE(loaded.settings.cameras.size(), 1);
        QCOMPARE(loaded.settings.cameras[0].url, m_server->url());
        QVERIFY(!loaded.settings.cameras[0].detects());
        QVERIFY(!loaded.settings.cameras[0].outputSize.isValid());  // tile size is not a setting
    }

    void slidersChangeTheRunningGate()
    {
        startLoadingDock(1);
        if (QTest::currentTestFailed())
            return;
        Camera* cam = m_manager->camera(m_camId);
        QVERIFY(cam);
        m_window->grid()->select(m_camId);
        TuningPanel* tuning = m_window->tuningPanel();
        QCOMPARE(tuning->camera(), cam);
        QCOMPARE(tuning->skipSlider()->value(), 1);
        const quint64 reconnects = cam->stats().reconnects;

        // Every 5th frame: once the stride is in effect, four of every five reads are skipped.
        const quint64 strideBefore = cam->stats().skippedStride;
        tuning->skipSlider()->setValue(5);
        QCOMPARE(cam->config().skipFrames, 5);
        QTRY_VERIFY_WITH_TIMEOUT(cam->stats().skippedStride > strideBefore, 10000);
        StatsSnapshot a = cam->stats();
        QTRY_VERIFY_WITH_TIMEOUT(cam->stats().read - a.read >= 60, 30000);
        StatsSnapshot b = cam->stats();
        const double read = double(b.read - a.read);
        const double stride = double(b.skippedStride - a.skippedStride);
        QVERIFY2(std::abs(stride / read - 0.8) < 0.1, qPrintable(QString("%1/%2").arg(stride).arg(read)));

        tuning->fpsSlider()->setValue(2);
        QCOMPARE(cam->config().maxFps, 2.0);
        QCOMPARE(cam->stats().reconnects, reconnects);  // no reconnect
        QCOMPARE(cam->state(), CameraState::Live);

        // Presets: "Periodic snapshot" = every 10th frame, 1 FPS.
        tuning->applyPreset(3);
        QCOMPARE(cam->config().skipFrames, 10);
        QCOMPARE(cam->config().maxFps, 1.0);
        QCOMPARE(tuning->skipSlider()->value(), 10);
        QCOMPARE(tuning->fpsSlider()->value(), 1);
        a = cam->stats();
        QElapsedTimer clock;
        clock.start();
        QTRY_VERIFY_WITH_TIMEOUT(cam->stats().read - a.read >= 100 && cam->stats().processed - a.processed >= 2, 60000);
        b = cam->stats();
        const double seconds = clock.elapsed() / 1000.0;
        // The cap is an upper bound whatever the machine's speed: at most 1 per second (+ the
        // frames already admitted). Without it every 10th of >= 100 reads would be processed.
        const double processed = double(b.processed - a.processed);
        QVERIFY2(processed <= seconds + 2, qPrintable(QString("%1 in %2 s").arg(processed).arg(seconds)));
        const double r2 = double(b.read - a.read), s2 = double(b.skippedStride - a.skippedStride);
        QVERIFY2(std::abs(s2 / r2 - 0.9) < 0.08, qPrintable(QString("%1/%2").arg(s2).arg(r2)));

        // "Real-time security" and saved.
        tuning->applyPreset(0);
        QCOMPARE(cam->config().skipFrames, 1);
        QCOMPARE(cam->config().maxFps, 15.0);
        QVERIFY(m_manager->saveNow());
        const AppSettingsLoad loaded = loadAppSettings(configPath());
        QCOMPARE(loaded.settings.cameras[0].skipFrames, 1);
        QCOMPARE(loaded.settings.cameras[0].maxFps, 15.0);
    }

    void statsPanelShowsCounters()
    {
        startLoadingDock(2);  // every 2nd frame, so the stride column counts
        if (QTest::currentTestFailed())
            return;
        StatsPanel* stats = m_window->statsPanel();
        QTRY_VERIFY_WITH_TIMEOUT(stats->history(m_camId).size() >= 2, 15000);
        QTableWidget* t = stats->table();
        QTRY_VERIFY_WITH_TIMEOUT((stats->refresh(), t->rowCount() == 1 && t->item(0, StatsPanel::Processed)
                                  && t->item(0, StatsPanel::Processed)->text().toULongLong() > 0
                                  && t->item(0, StatsPanel::SkippedStride)->text().toULongLong() > 0), 10000);
        QCOMPARE(t->item(0, StatsPanel::State)->text(), QString("live"));
        QVERIFY(stats->chart()->pointCount() >= 2);

        // Picking a row selects that camera's tile; a double-click focuses it.
        m_window->grid()->select(QString());
        QVERIFY(m_window->grid()->selectedId().isEmpty());
        t->clearSelection();
        t->selectRow(0);
        QCOMPARE(m_window->grid()->selectedId(), m_camId);
        emit t->cellDoubleClicked(0, 0);
        QCOMPARE(m_window->grid()->focusedId(), m_camId);
        m_window->grid()->setFocusedCamera(QString());
        QVERIFY(m_window->grid()->focusedId().isEmpty());
    }

    void motionOverlayStatsAndMasksOnALiveCamera()
    {
        startLoadingDock();
        if (QTest::currentTestFailed())
            return;
        Camera* cam = m_manager->camera(m_camId);
        CameraTile* tile = m_window->grid()->tile(m_camId);
        QVERIFY(cam && tile);

        // The tile's "Show motion" labels each painted frame, and is remembered for the camera.
        QVERIFY(!tile->showsMotion());
        QVERIFY(tile->motionText().isEmpty());
        tile->setShowMotion(true);
        const quint64 painted = tile->framesPainted();
        QTRY_VERIFY_WITH_TIMEOUT(tile->framesPainted() > painted + 2, 10000);
        QVERIFY2(tile->motionText().contains("motion") && tile->motionText().contains("inferred"),
                 qPrintable(tile->motionText()));
        {
            CameraTile again(cam);
            QVERIFY(again.showsMotion());
        }
        const QPoint mid(tile->width() / 2, tile->height() / 2);
        QHelpEvent help(QEvent::ToolTip, mid, tile->mapToGlobal(mid));
        QApplication::sendEvent(tile, &help);
        QVERIFY2(QToolTip::text().contains("Motion:") && QToolTip::text().contains("not inferred (no motion)"),
                 qPrintable(QToolTip::text()));
        QVERIFY(tile->grab().toImage().save(QDir(QCoreApplication::applicationDirPath()).filePath("tst_ui_motion_tile.png")));
        tile->setShowMotion(false);
        QVERIFY(tile->motionText().isEmpty());

        // The table has the motion and inference columns; detection is off, so nothing is inferred.
        StatsPanel* stats = m_window->statsPanel();
        QTRY_VERIFY_WITH_TIMEOUT((stats->refresh(), stats->table()->item(0, StatsPanel::Gated) != nullptr), 5000);
        QCOMPARE(stats->table()->item(0, StatsPanel::Inferences)->text(), QString("0"));
        QCOMPARE(stats->table()->item(0, StatsPanel::InferFps)->text(), QString("0.0"));
        QVERIFY(stats->table()->item(0, StatsPanel::Motion));
        QTRY_VERIFY_WITH_TIMEOUT(stats->chart()->inferPointCount() >= 2, 5000);

        // The mask editor of the edit dialog draws on this camera's live picture (320x240), and
        // the masks reach the running camera.
        CameraDialog* dlg = m_window->openEditCameraDialog(m_camId);
        QVERIFY(dlg);
        MaskDialog* masks = dlg->openMaskEditor();
        QVERIFY(masks);
        QTRY_VERIFY_WITH_TIMEOUT(masks->hasPicture(), 5000);
        QCOMPARE(masks->editor()->image().size(), QSize(320, 240));
        const QList<QPolygonF> drawn{QPolygonF({QPointF(0.1, 0.1), QPointF(0.5, 0.1), QPointF(0.3, 0.4)})};
        masks->editor()->setPolygons(drawn);
        QVERIFY(masks->grab().toImage().save(QDir(QCoreApplication::applicationDirPath()).filePath("tst_ui_mask_dialog.png")));
        masks->accept();
        QCOMPARE(dlg->config().motion.masks, drawn);
        dlg->accept();
        QCOMPARE(cam->config().motion.masks, drawn);
    }

    void missingModelIsShownOnTheTile()
    {
        startLoadingDock();
        if (QTest::currentTestFailed())
            return;
        Camera* cam = m_manager->camera(m_camId);
        CameraTile* tile = m_window->grid()->tile(m_camId);
        QVERIFY(cam && tile);
        QVERIFY(tile->detectorWarningRect().isEmpty());
        const CameraConfig before = cam->config();
        CameraConfig c = before;
        c.detect = vigil::DetectMode::Always;
        c.detector.modelPath = m_dir->filePath("missing/model.onnx");
        m_manager->updateCamera(m_camId, c);
        // The worker finds out on the next frame.
        QTRY_VERIFY_WITH_TIMEOUT(cam->detectorFailed(), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(!tile->detectorWarningRect().isEmpty(), 10000);

        // The table says the same, in the warning colour.
        StatsPanel* stats = m_window->statsPanel();
        stats->refresh();
        QTableWidgetItem* det = stats->table()->item(0, StatsPanel::Detector);
        QVERIFY(det);
        QVERIFY2(det->text().contains("model.onnx"), qPrintable(det->text()));
        QCOMPARE(det->foreground().color(), theme::warning());

        // A click on the warning opens this camera's settings, where the model is chosen.
        QTest::mouseClick(tile, Qt::LeftButton, {}, tile->detectorWarningRect().center());
        CameraDialog* dlg = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT((dlg = m_window->findChild<CameraDialog*>()) && dlg->isVisible(), 5000);
        QCOMPARE(dlg->config().url, before.url);
        dlg->reject();
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->findChild<CameraDialog*>(), 5000);

        m_manager->updateCamera(m_camId, before);
        QVERIFY(!cam->detectorFailed());
        QTRY_VERIFY_WITH_TIMEOUT(tile->detectorWarningRect().isEmpty(), 10000);
    }

    void snapshotWritesImageAndSidecar()
    {
        startLoadingDock();
        if (QTest::currentTestFailed())
            return;
        QSignalSpy spy(m_window, &MainWindow::snapshotsFinished);
        m_window->grid()->select(m_camId);
        m_window->snapshotSelected();
        QTRY_COMPARE_WITH_TIMEOUT(spy.size(), 1, 10000);
        QCOMPARE(spy.at(0).at(0).toInt(), 1);
        QCOMPARE(spy.at(0).at(1).toInt(), 0);
        const SnapshotResult r = m_window->lastSnapshotResults().value(0);
        QVERIFY(r.ok);
        QVERIFY(r.imagePath.startsWith(m_dir->filePath("snaps")));
        QVERIFY(QFileInfo(r.imagePath).fileName().startsWith("Loading-dock_"));
        QImage img(r.imagePath);
        QVERIFY(!img.isNull());
        QVERIFY(variance(img) > 10);
        QFile side(r.sidecarPath);
        QVERIFY(side.open(QIODevice::ReadOnly));
        const QJsonObject j = QJsonDocument::fromJson(side.readAll()).object();
        QCOMPARE(j["camera_id"].toString(), m_camId);
        QCOMPARE(j["camera_name"].toString(), QString("Loading dock"));
        QVERIFY(j["detections"].isArray());
        QCOMPARE(j["source_size"].toObject()["width"].toInt(), 320);
        QVERIFY(m_window->statusBar()->currentMessage().contains("Snapshot saved"));
    }

    void snapshotFailureIsReported()
    {
        startLoadingDock();
        if (QTest::currentTestFailed())
            return;
        // The folder cannot exist: a regular file is in the way (works as root too).
        QFile blocker(m_dir->filePath("blocker"));
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.close();
        AppSettings s = m_manager->settings();
        s.snapshotDir = m_dir->filePath("blocker/snaps");
        m_manager->setSettings(s);

        QSignalSpy spy(m_window, &MainWindow::snapshotsFinished);
        m_window->snapshotAll();
        QTRY_COMPARE_WITH_TIMEOUT(spy.size(), 1, 10000);
        QCOMPARE(spy.at(0).at(0).toInt(), 0);
        QCOMPARE(spy.at(0).at(1).toInt(), 1);
        QVERIFY(!m_window->lastSnapshotResults().value(0).ok);
        QVERIFY(m_window->statusBar()->currentMessage().contains("Snapshot failed"));
        QTRY_VERIFY_WITH_TIMEOUT(m_window->findChild<QWidget*>("snapshotError"), 5000);
        QVERIFY(!QFileInfo::exists(m_dir->filePath("blocker/snaps")));
    }

    void focusAndBack()
    {
        QCOMPARE(CameraGrid::gridShape(2), QSize(2, 1));
        QCOMPARE(CameraGrid::gridShape(4), QSize(2, 2));
        QCOMPARE(CameraGrid::gridShape(5), QSize(3, 2));
        QCOMPARE(CameraGrid::gridShape(9), QSize(3, 3));
        startLoadingDock();
        if (QTest::currentTestFailed())
            return;
        Camera* demo = m_manager->startDemo();
        QVERIFY(demo);
        CameraGrid* grid = m_window->grid();
        QCOMPARE(grid->count(), 2);
        CameraTile* a = grid->tile(m_camId);
        CameraTile* b = grid->tile(demo->id());
        QVERIFY(a && b);
        QTRY_VERIFY_WITH_TIMEOUT(a->isVisible() && b->isVisible() && a->width() < grid->width() / 2 + 10, 5000);

        QTest::mouseDClick(b, Qt::LeftButton);
        QCOMPARE(grid->focusedId(), demo->id());
        QCOMPARE(grid->selectedId(), demo->id());
        QTRY_VERIFY_WITH_TIMEOUT(!a->isVisible() && b->width() > grid->width() - 20, 5000);

        QTest::keyClick(b, Qt::Key_Escape);
        QVERIFY(grid->focusedId().isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(a->isVisible(), 5000);
        grid->select(m_camId);
        QTest::keyClick(a, Qt::Key_Return);
        QCOMPARE(grid->focusedId(), m_camId);
    }

    void grabIsNotBlank()
    {
        startLoadingDock();
        if (QTest::currentTestFailed())
            return;
        Camera* demo = m_manager->startDemo();
        QVERIFY(demo);
        CameraTile* tile = m_window->grid()->tile(demo->id());
        QVERIFY(tile);
        QTRY_VERIFY_WITH_TIMEOUT(tile->framesPainted() > 3, 20000);
        // The stats dock has numbers for both cameras (it refreshes once a second).
        QTableWidget* t = m_window->statsPanel()->table();
        auto bothCounted = [t] {
            if (t->rowCount() != 2)
                return false;
            for (int row = 0; row < 2; ++row) {
                const QTableWidgetItem* item = t->item(row, StatsPanel::Processed);
                if (!item || item->text().toULongLong() == 0)
                    return false;
            }
            return true;
        };
        QTRY_VERIFY_WITH_TIMEOUT(bothCounted(), 15000);
        const QImage shot = m_window->grab().toImage();
        const QString out = QDir(QCoreApplication::applicationDirPath()).filePath("tst_ui_main_window_grab.png");
        QVERIFY(shot.save(out));
        qInfo() << "window grab:" << out;
        QVERIFY2(variance(shot) > 100, qPrintable(QString::number(variance(shot))));
        // The tile itself shows a picture, not a flat colour.
        QVERIFY(variance(tile->grab().toImage()) > 100);
    }

    void removeCamera()
    {
        startLoadingDock();
        if (QTest::currentTestFailed())
            return;
        Camera* demo = m_manager->startDemo();
        QVERIFY(demo);
        const QString demoId = demo->id();
        QCOMPARE(m_window->grid()->count(), 2);
        QVERIFY(m_manager->saveNow());
        QCOMPARE(loadAppSettings(configPath()).settings.cameras.size(), 1);  // the demo is for this session

        m_manager->removeCamera(demoId);
        m_manager->removeCamera(m_camId);
        QCOMPARE(m_window->grid()->count(), 0);
        QVERIFY(m_manager->cameras().isEmpty());
        QVERIFY(m_window->showingEmptyState());
        QVERIFY(m_manager->saveNow());
        QCOMPARE(loadAppSettings(configPath()).settings.cameras.size(), 0);
    }

    void corruptConfigOnStartup()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("config.json");
        const QByteArray bytes = "{not json";
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(bytes);
        f.close();
        PipelineOverrides overrides;
        overrides.workers = 1;
        CameraManager manager(path, overrides);
        const QString message = manager.load();
        QVERIFY(!message.isEmpty());
        QVERIFY(manager.cameras().isEmpty());
        const QStringList backups = QDir(dir.path()).entryList({"config.json.corrupt-*"});
        QCOMPARE(backups.size(), 1);
        QFile b(dir.filePath(backups.first()));
        QVERIFY(b.open(QIODevice::ReadOnly));
        QCOMPARE(b.readAll(), bytes);
    }
};

QTEST_MAIN(TestUiMainWindow)
#include "tst_ui_main_window.moc"
