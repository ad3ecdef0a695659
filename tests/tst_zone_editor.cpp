// The zones editor: zones drawn by simulated clicks reach the camera's config in relative
// coordinates, names and "required" follow the list, and a later event records entering the zone
// (the demo scene's real person, a real model, the whole Pipeline).
#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "camera_dialog.h"
#include "demo/esp32_camera_server.h"
#include "demo/scene_renderer.h"
#include "events/event_store.h"
#include "pipeline/pipeline.h"
#include "polygon_editor.h"
#include "test_util.h"
#include "zone_dialog.h"

using namespace vigil;

class TestZoneEditor : public QObject {
    Q_OBJECT

    static QPoint at(PolygonEditor* e, double x, double y) { return e->toWidget({x, y}).toPoint(); }
    static void click(PolygonEditor* e, double x, double y)
    {
        QTest::mouseClick(e, Qt::LeftButton, {}, at(e, x, y));
    }
    // Where the demo's person stands (feet at 97 % of the height, 40..51 % of the width).
    static void drawDriveway(PolygonEditor* e)
    {
        click(e, 0.30, 0.75);
        click(e, 0.65, 0.75);
        click(e, 0.65, 1.00);
        click(e, 0.30, 1.00);
        QTest::keyClick(e, Qt::Key_Return);
    }

    CameraConfig m_zoned;   // the config the dialog produced

private slots:
    void clicksMakeANamedRequiredZoneInTheConfig()
    {
        CameraConfig base;
        base.id = "yard";
        base.name = "Yard";
        base.url = QUrl("http://127.0.0.1:9/stream");
        base.events.labels = {"person"};
        CameraDialog dialog(base, true);
        dialog.show();
        ZoneDialog* zones = dialog.openZoneEditor();
        QVERIFY(QTest::qWaitForWindowExposed(zones));
        PolygonEditor* editor = zones->editor();
        QVERIFY(editor->width() > 200);

        drawDriveway(editor);
        QCOMPARE(editor->polygons().size(), 1);
        QCOMPARE(zones->zoneList()->count(), 1);
        QCOMPARE(zones->zoneList()->item(0)->text(), QStringLiteral("zone 1"));
        // A second zone, then deleted with its button: the first keeps its name and flag.
        click(editor, 0.05, 0.05);
        click(editor, 0.20, 0.05);
        click(editor, 0.20, 0.20);
        QTest::keyClick(editor, Qt::Key_Return);
        QCOMPARE(zones->zoneList()->count(), 2);
        QCOMPARE(zones->zoneList()->item(1)->text(), QStringLiteral("zone 2"));
        zones->findChild<QPushButton*>("deleteZone")->click();
        QCOMPARE(zones->zoneList()->count(), 1);

        // Renamed and made required in the list; a duplicate name would get a suffix.
        QListWidgetItem* item = zones->zoneList()->item(0);
        item->setText("driveway");
        item->setCheckState(Qt::Checked);
        QCOMPARE(editor->names(), QStringList{"driveway"});
        // Labels: person stays, car added.
        for (int i = 0; i < zones->labelList()->count(); ++i)
            if (zones->labelList()->item(i)->text() == "car")
                zones->labelList()->item(i)->setCheckState(Qt::Checked);
        zones->accept();

        const CameraEventConfig events = dialog.config().events;
        QCOMPARE(events.zones.size(), 1);
        const Zone z = events.zones.first();
        QCOMPARE(z.name, QStringLiteral("driveway"));
        QVERIFY(z.required);
        QCOMPARE(z.polygon.size(), 4);
        // Relative, within a pixel of where the clicks were.
        const QRectF b = z.polygon.boundingRect();
        const double px = 1.5 / editor->pictureRect().width();
        QVERIFY2(std::abs(b.left() - 0.30) < px && std::abs(b.right() - 0.65) < px, qPrintable(QString::number(b.left())));
        QVERIFY2(std::abs(b.top() - 0.75) < px && b.bottom() > 0.99, qPrintable(QString::number(b.top())));
        QCOMPARE(events.labels, (QStringList{"person", "car"}));
        // The config keeps it through the file format.
        QStringList errors;
        const CameraConfig reread = CameraConfig::fromJson(dialog.config().toJson(), &errors);
        QVERIFY2(errors.isEmpty(), qPrintable(errors.join("; ")));
        QCOMPARE(reread.events.zones, events.zones);
        m_zoned = dialog.config();
    }

    void aLaterEventRecordsEnteringTheZone()
    {
        const QString model = test::modelsDir() + "/yolox_nano_coco80_416_fp32.onnx";
        if (!QFile::exists(model))
            QSKIP(qPrintable("shared models absent (looked in " + test::modelsDir() + "; set VIGIL_MODELS_DIR)"));
        QVERIFY(!m_zoned.events.zones.isEmpty());
        // The demo's scene at 10 FPS: the person walks in 2.5 s after the start.
        DemoSceneOptions scene;
        scene.fps = 10;
        scene.loopFrames = 10;
        scene.periodS = 20;
        Esp32CameraServer::Options o;
        o.fps = 10;
        Esp32CameraServer server(o);
        server.setFrames(renderDemoScene({640, 480}, 80, scene));
        QVERIFY(server.listen());

        QTemporaryDir dir;
        AppSettings settings;
        settings.events.folder = dir.filePath("events");
        settings.events.clips = false;
        CameraConfig c = m_zoned;
        c.url = server.url();
        c.skipFrames = 1;
        c.maxFps = 5;
        c.detect = DetectMode::Always;
        c.detector.modelPath = model;
        settings.cameras << c;
        Pipeline pipeline(settings);
        pipeline.start();
        QVERIFY(pipeline.events());

        std::unique_ptr<EventStore> store = EventStore::openReadOnly(settings.events.folder);
        auto people = [&] {
            EventQuery q;
            q.label = "person";
            return store->query(q);
        };
        QTRY_VERIFY_WITH_TIMEOUT(!people().isEmpty() && people().first().zones.contains("driveway"), 40000);
        // Required zone: nothing but the person that entered it made an event.
        EventQuery all;
        for (const Event& e : store->query(all))
            QVERIFY2(e.zones.contains("driveway"), qPrintable(e.label + " outside the required zone"));
    }
};

QTEST_MAIN(TestZoneEditor)
#include "tst_zone_editor.moc"
