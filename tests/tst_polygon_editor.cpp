// The polygon editor driven like a user (simulated mouse and keys at widget positions mapped from
// frame-relative coordinates), the motion-mask dialog with and without a camera picture, and the
// camera dialog's motion settings round trip through CameraConfig JSON.
#include <QCheckBox>
#include <QComboBox>
#include <QDialog>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
#include <QVBoxLayout>
#include <QtTest>
#include <memory>
#include <opencv2/core.hpp>

#include "camera_dialog.h"
#include "mask_dialog.h"
#include "polygon_editor.h"
#include "processing/jpeg_codec.h"

using namespace vigil;

namespace {
constexpr double kTol = 0.01;  // one click is rounded to a whole pixel of a 400 px wide picture

bool near(QPointF a, QPointF b) { return std::abs(a.x() - b.x()) <= kTol && std::abs(a.y() - b.y()) <= kTol; }

QString describe(const QPolygonF& poly)
{
    QStringList pts;
    for (const QPointF& p : poly)
        pts << QStringLiteral("(%1, %2)").arg(p.x(), 0, 'f', 3).arg(p.y(), 0, 'f', 3);
    return pts.join(' ');
}

// A frame as Camera::latestFrame() gives it: the source JPEG and the motion found in it.
ProcessedFramePtr makeFrame(quint64 seq, const cv::Scalar& colour)
{
    cv::Mat bgr(240, 320, CV_8UC3, colour);
    JpegEncoder enc;
    auto f = std::make_shared<ProcessedFrame>();
    f->seq = seq;
    f->sourceJpeg = enc.encodeBgr(bgr, 90);
    f->sourceSize = QSize(320, 240);
    f->motion = true;
    f->motionPct = 4.5;
    f->motionBoxes = {QRect(32, 24, 64, 48)};
    return f;
}
} // namespace

class TestPolygonEditor : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<PolygonEditor> m_editor;

    QPoint at(double x, double y) const { return m_editor->toWidget({x, y}).toPoint(); }
    void click(double x, double y, Qt::MouseButton b = Qt::LeftButton)
    {
        QTest::mouseClick(m_editor.get(), b, {}, at(x, y));
    }
    void drag(QPointF from, QPointF to)
    {
        QTest::mousePress(m_editor.get(), Qt::LeftButton, {}, at(from.x(), from.y()));
        // Two steps: the first passes the drag threshold, the second lands on the target.
        const QPointF mid = (from + to) / 2;
        QTest::mouseMove(m_editor.get(), at(mid.x(), mid.y()));
        QTest::mouseMove(m_editor.get(), at(to.x(), to.y()));
        QTest::mouseRelease(m_editor.get(), Qt::LeftButton, {}, at(to.x(), to.y()));
    }
    static QPolygonF square()
    {
        return QPolygonF({QPointF(0.2, 0.2), QPointF(0.6, 0.2), QPointF(0.6, 0.6), QPointF(0.2, 0.6)});
    }

private slots:
    void init()
    {
        m_editor = std::make_unique<PolygonEditor>();
        // A wide picture in a square widget: letterbox bars above and below, so the mapping matters.
        m_editor->setImage(QImage(400, 300, QImage::Format_RGB32));
        m_editor->resize(400, 400);
        m_editor->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_editor.get()));
    }
    void cleanup() { m_editor.reset(); }

    void mapsThroughTheLetterbox()
    {
        QCOMPARE(m_editor->pictureRect(), QRectF(0, 50, 400, 300));
        QCOMPARE(m_editor->toWidget({0.5, 0.5}), QPointF(200, 200));
        QCOMPARE(m_editor->toRelative({400, 350}), QPointF(1, 1));
        QCOMPARE(m_editor->toRelative({200, 10}), QPointF(0.5, 0));  // clamped from the bar
        // No picture: a 4:3 canvas all the same.
        m_editor->setImage({});
        QCOMPARE(m_editor->pictureRect(), QRectF(0, 50, 400, 300));
        m_editor->resize(800, 300);
        QCOMPARE(m_editor->pictureRect(), QRectF(200, 0, 400, 300));
    }

    void clicksDrawAPolygonClosedOnTheFirstPoint()
    {
        QSignalSpy changed(m_editor.get(), &PolygonEditor::polygonsChanged);
        const QList<QPointF> pts{{0.1, 0.2}, {0.6, 0.25}, {0.5, 0.7}, {0.15, 0.8}};
        for (const QPointF& p : pts)
            click(p.x(), p.y());
        QVERIFY(m_editor->isDrawing());
        QCOMPARE(m_editor->drawingPolygon().size(), 4);
        QVERIFY(m_editor->polygons().isEmpty());
        QCOMPARE(changed.size(), 0);
        click(0.1, 0.2);  // the first point again: closes
        QVERIFY(!m_editor->isDrawing());
        QCOMPARE(m_editor->polygons().size(), 1);
        QCOMPARE(changed.size(), 1);
        const QPolygonF poly = m_editor->polygons().first();
        QCOMPARE(poly.size(), 4);
        for (int i = 0; i < 4; ++i)
            QVERIFY2(near(poly[i], pts[i]), qPrintable(describe(poly)));
        QCOMPARE(m_editor->selectedIndex(), 0);  // the new polygon is selected
    }

    void doubleClickAndEnterClose()
    {
        click(0.1, 0.1);
        click(0.4, 0.1);
        QTest::mouseDClick(m_editor.get(), Qt::LeftButton, {}, at(0.3, 0.4));
        QVERIFY(!m_editor->isDrawing());
        QCOMPARE(m_editor->polygons().size(), 1);
        QVERIFY2(m_editor->polygons()[0].size() == 3, qPrintable(describe(m_editor->polygons()[0])));
        // A real double-click: the press of the first click adds the point, the second only closes.
        click(0.6, 0.6);
        click(0.9, 0.6);
        click(0.8, 0.9);
        QTest::mouseDClick(m_editor.get(), Qt::LeftButton, {}, at(0.8, 0.9));
        QCOMPARE(m_editor->polygons().size(), 2);
        QVERIFY2(m_editor->polygons()[1].size() == 3, qPrintable(describe(m_editor->polygons()[1])));

        click(0.1, 0.6);
        click(0.3, 0.6);
        QTest::keyClick(m_editor.get(), Qt::Key_Return);
        QVERIFY(m_editor->isDrawing());  // two points are not a polygon yet
        click(0.2, 0.9);
        QTest::keyClick(m_editor.get(), Qt::Key_Return);
        QVERIFY(!m_editor->isDrawing());
        QCOMPARE(m_editor->polygons().size(), 3);
        QVERIFY(near(m_editor->polygons()[2][2], {0.2, 0.9}));
    }

    void escapeCancelsTheDrawingNotTheDialog()
    {
        QDialog dialog;
        auto* layout = new QVBoxLayout(&dialog);
        auto* editor = new PolygonEditor(&dialog);
        layout->addWidget(editor);
        dialog.resize(400, 320);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        editor->setPolygons({square()});
        QTest::mouseClick(editor, Qt::LeftButton, {}, editor->toWidget({0.8, 0.8}).toPoint());
        QTest::mouseClick(editor, Qt::LeftButton, {}, editor->toWidget({0.9, 0.8}).toPoint());
        QVERIFY(editor->isDrawing());
        QTest::keyClick(editor, Qt::Key_Escape);
        QVERIFY(!editor->isDrawing());
        QCOMPARE(editor->polygons(), QList<QPolygonF>{square()});
        QVERIFY(dialog.isVisible());
        // Nothing left to cancel: Escape is the dialog's again.
        QTest::keyClick(editor, Qt::Key_Escape);
        QVERIFY(!dialog.isVisible());
    }

    void dragMovesAPoint()
    {
        m_editor->setPolygons({square()});
        QSignalSpy changed(m_editor.get(), &PolygonEditor::polygonsChanged);
        drag({0.6, 0.6}, {0.8, 0.9});
        QCOMPARE(changed.size(), 1);
        const QPolygonF poly = m_editor->polygons().first();
        QCOMPARE(poly.size(), 4);
        QVERIFY2(near(poly[2], {0.8, 0.9}), qPrintable(describe(poly)));
        QVERIFY(near(poly[0], {0.2, 0.2}) && near(poly[1], {0.6, 0.2}) && near(poly[3], {0.2, 0.6}));
        // Dragged out of the picture: held at its edge.
        drag({0.8, 0.9}, {1.3, 1.3});
        QVERIFY2(near(m_editor->polygons().first()[2], {1, 1}), qPrintable(describe(m_editor->polygons().first())));
    }

    void dragInsideMovesThePolygon()
    {
        m_editor->setPolygons({square()});
        drag({0.4, 0.4}, {0.5, 0.3});
        QCOMPARE(m_editor->polygons().size(), 1);
        QVERIFY2(near(m_editor->polygons().first()[0], {0.3, 0.1}), qPrintable(describe(m_editor->polygons().first())));
        QVERIFY(near(m_editor->polygons().first()[2], {0.7, 0.5}));
        // Pushed against the edge: the shape stays whole and inside.
        drag({0.5, 0.3}, {0.5, -0.5});
        const QPolygonF poly = m_editor->polygons().first();
        QVERIFY2(near(poly[0], {0.3, 0.0}) && near(poly[2], {0.7, 0.4}), qPrintable(describe(poly)));
        // A click (no move) only selects.
        m_editor->setSelectedIndex(-1);
        click(0.5, 0.2);
        QCOMPARE(m_editor->selectedIndex(), 0);
        QCOMPARE(m_editor->polygons().first(), poly);
    }

    void rightClickDeletesAPoint()
    {
        const QPolygonF other({QPointF(0.7, 0.7), QPointF(0.9, 0.7), QPointF(0.8, 0.9)});
        m_editor->setPolygons({square(), other});
        click(0.6, 0.6, Qt::RightButton);
        QCOMPARE(m_editor->polygons().size(), 2);
        QCOMPARE(m_editor->polygons()[0].size(), 3);
        QVERIFY(!m_editor->polygons()[0].contains(QPointF(0.6, 0.6)));
        // Fewer than 3 points is no polygon: it goes, the other stays.
        click(0.2, 0.2, Qt::RightButton);
        QCOMPARE(m_editor->polygons(), QList<QPolygonF>{other});
        // Right-click away from any point changes nothing.
        click(0.5, 0.5, Qt::RightButton);
        QCOMPARE(m_editor->polygons(), QList<QPolygonF>{other});
    }

    void deleteRemovesTheSelectedPolygon()
    {
        const QPolygonF other({QPointF(0.7, 0.7), QPointF(0.9, 0.7), QPointF(0.8, 0.9)});
        m_editor->setPolygons({square(), other});
        QSignalSpy selected(m_editor.get(), &PolygonEditor::selectionChanged);
        click(0.4, 0.4);  // inside the square
        QCOMPARE(m_editor->selectedIndex(), 0);
        QCOMPARE(selected.size(), 1);
        QTest::keyClick(m_editor.get(), Qt::Key_Delete);
        QCOMPARE(m_editor->polygons(), QList<QPolygonF>{other});
        QCOMPARE(m_editor->selectedIndex(), -1);
        QTest::keyClick(m_editor.get(), Qt::Key_Delete);  // nothing selected: nothing goes
        QCOMPARE(m_editor->polygons().size(), 1);
    }

    void maskDialogWithoutAPicture()
    {
        MaskDialog dlg({square()}, FrameSource(), QImage());
        dlg.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dlg));
        QVERIFY(!dlg.hasPicture());
        QVERIFY2(dlg.findChild<QLabel*>("frameStatus")->text().contains("No picture"),
                 qPrintable(dlg.findChild<QLabel*>("frameStatus")->text()));
        PolygonEditor* ed = dlg.editor();
        QCOMPARE(ed->pictureRect().width() / ed->pictureRect().height(), 4.0 / 3.0);
        // Still editable: the toolbar button deletes the selected shape.
        auto* del = dlg.findChild<QPushButton*>("deleteMask");
        QVERIFY(del && !del->isEnabled());
        QTest::mouseClick(ed, Qt::LeftButton, {}, ed->toWidget({0.4, 0.4}).toPoint());
        QVERIFY(del->isEnabled());
        del->click();
        QVERIFY(dlg.masks().isEmpty());
        QVERIFY(!dlg.findChild<QPushButton*>("clearMasks")->isEnabled());
    }

    void maskDialogShowsTheLiveFrameAndItsMotion()
    {
        ProcessedFramePtr current = makeFrame(1, cv::Scalar(40, 40, 40));
        int calls = 0;
        MaskDialog dlg({}, [&] { ++calls; return current; }, QImage());
        dlg.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dlg));
        QVERIFY(dlg.hasPicture());
        QCOMPARE(dlg.editor()->image().size(), QSize(320, 240));
        QCOMPARE(dlg.editor()->overlayBoxes().size(), 1);
        QCOMPARE(dlg.editor()->overlayBoxes().first(), QRectF(0.1, 0.1, 0.2, 0.2));
        QVERIFY(dlg.findChild<QLabel*>("frameStatus")->text().contains("4.5"));
        // While open it follows the camera: a newer frame replaces the picture within about a second.
        const QRgb before = dlg.editor()->image().pixel(10, 10);
        current = makeFrame(2, cv::Scalar(220, 220, 220));
        QTRY_VERIFY_WITH_TIMEOUT(dlg.editor()->image().pixel(10, 10) != before, 3000);
        QVERIFY(calls >= 2);
        // Motion boxes can be hidden.
        dlg.findChild<QCheckBox*>("showMotion")->setChecked(false);
        QVERIFY(dlg.editor()->overlayBoxes().isEmpty());
    }

    void cameraDialogRoundTripsMotionSettings()
    {
        CameraConfig start;
        start.id = "yard";
        start.name = "Yard";
        start.url = QUrl("http://192.0.2.10/stream");
        CameraDialog dlg(start, true);
        dlg.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dlg));
        QVERIFY(!dlg.findChild<QCheckBox*>("detection"));  // the old checkbox is the Off mode now

        auto* mode = dlg.findChild<QComboBox*>("detectMode");
        auto* threshold = dlg.findChild<QSpinBox*>("motionThreshold");
        auto* slider = dlg.findChild<QSlider*>("motionThresholdSlider");
        auto* minArea = dlg.findChild<QDoubleSpinBox*>("motionMinArea");
        auto* heartbeat = dlg.findChild<QSpinBox*>("heartbeat");
        auto* model = dlg.findChild<QLineEdit*>("model");
        QVERIFY(mode && threshold && slider && minArea && heartbeat && model);
        // Defaults: motion mode, the core's defaults.
        QCOMPARE(DetectMode(mode->currentData().toInt()), DetectMode::Motion);
        QCOMPARE(threshold->value(), 25);
        QCOMPARE(minArea->value(), 0.1);
        QCOMPARE(heartbeat->value(), 30);
        QVERIFY(heartbeat->isEnabled() && model->isEnabled());
        mode->setCurrentIndex(mode->findData(int(DetectMode::Off)));
        QVERIFY(!model->isEnabled() && !heartbeat->isEnabled());
        mode->setCurrentIndex(mode->findData(int(DetectMode::Always)));
        QVERIFY(model->isEnabled() && !heartbeat->isEnabled());

        slider->setValue(40);
        QCOMPARE(threshold->value(), 40);
        minArea->setValue(1.25);
        heartbeat->setValue(90);

        // Masks drawn in the editor, by mouse; Cancel keeps the old ones, OK takes the new.
        MaskDialog* masks = dlg.openMaskEditor();
        QVERIFY(masks);
        QVERIFY(QTest::qWaitForWindowExposed(masks));
        PolygonEditor* ed = masks->editor();
        for (const QPointF& p : {QPointF(0.05, 0.05), QPointF(0.3, 0.05), QPointF(0.3, 0.2)})
            QTest::mouseClick(ed, Qt::LeftButton, {}, ed->toWidget(p).toPoint());
        QTest::keyClick(ed, Qt::Key_Enter);
        QCOMPARE(ed->polygons().size(), 1);
        masks->reject();
        QVERIFY(dlg.masks().isEmpty());
        masks = dlg.openMaskEditor();
        ed = masks->editor();
        QVERIFY(ed->polygons().isEmpty());
        for (const QPointF& p : {QPointF(0.05, 0.05), QPointF(0.3, 0.05), QPointF(0.3, 0.2)})
            QTest::mouseClick(ed, Qt::LeftButton, {}, ed->toWidget(p).toPoint());
        QTest::keyClick(ed, Qt::Key_Enter);
        masks->accept();
        QCOMPARE(dlg.masks().size(), 1);
        QVERIFY(dlg.findChild<QLabel*>("masksSummary")->text().contains("1"));

        const CameraConfig c = dlg.config();
        QCOMPARE(c.id, QString("yard"));
        QCOMPARE(c.detect, DetectMode::Always);
        QCOMPARE(c.motion.threshold, 40);
        QCOMPARE(c.motion.minAreaPct, 1.25);
        QCOMPARE(c.heartbeatS, 90);
        QCOMPARE(c.motion.masks.size(), 1);
        QCOMPARE(c.motion.masks[0].size(), 3);
        QVERIFY2(near(c.motion.masks[0][1], {0.3, 0.05}), qPrintable(describe(c.motion.masks[0])));

        // Through the config file's JSON and back: the same camera.
        QStringList errors;
        const CameraConfig back = CameraConfig::fromJson(c.toJson(), &errors);
        QVERIFY2(errors.isEmpty(), qPrintable(errors.join("; ")));
        QCOMPARE(back.detect, c.detect);
        QCOMPARE(back.motion, c.motion);
        QCOMPARE(back.heartbeatS, c.heartbeatS);
        QVERIFY(back == c);

        // And into a fresh dialog: every field shows what was saved.
        CameraDialog again(back, true);
        QCOMPARE(again.config(), c);
        QCOMPARE(again.findChild<QSpinBox*>("motionThreshold")->value(), 40);
        QCOMPARE(again.masks(), c.motion.masks);
        QVERIFY(dlg.grab().toImage().save(QDir(QCoreApplication::applicationDirPath()).filePath("tst_polygon_editor_camera_dialog.png")));
    }

    void cameraDialogFitsSmallScreens()
    {
        CameraDialog dlg(CameraConfig(), false);
        dlg.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dlg));
        // The settings scroll: the whole dialog fits a 1024x600 screen with room for the title bar.
        QVERIFY2(dlg.minimumSizeHint().height() <= 540, qPrintable(QString::number(dlg.minimumSizeHint().height())));
        dlg.resize(720, 500);
        QPushButton* ok = dlg.findChild<QPushButton*>("primary");
        QVERIFY(ok && ok->isVisible());
        QVERIFY(ok->mapTo(&dlg, QPoint(0, ok->height())).y() <= dlg.height());
    }
};

QTEST_MAIN(TestPolygonEditor)
#include "tst_polygon_editor.moc"
