// Snapshot export: image + optional raw frame + JSON sidecar, all or nothing.
#include <QBuffer>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPainter>
#include <QTemporaryDir>
#include <QtTest>
#include <unistd.h>

#include "processing/snapshot_writer.h"

using namespace vigil;

class TestSnapshotWriter : public QObject {
    Q_OBJECT

private:
    static ProcessedFrame frame()
    {
        ProcessedFrame f;
        f.cameraId = "front";
        f.seq = 4242;
        f.sourceSize = QSize(640, 480);
        QImage img(320, 240, QImage::Format_BGR888);
        img.fill(QColor(20, 40, 60));
        QPainter p(&img);
        p.fillRect(QRect(50, 60, 80, 90), QColor(250, 10, 10));
        p.end();
        f.image = img;
        QBuffer b(&f.sourceJpeg);
        b.open(QIODevice::WriteOnly);
        QImage src(640, 480, QImage::Format_RGB888);
        src.fill(Qt::darkGreen);
        src.save(&b, "JPEG", 80);
        f.jpeg = f.sourceJpeg;  // nothing drawn at full size in this fake
        Detection d;
        d.classId = 0;
        d.name = "person";
        d.score = 0.87f;
        d.box = QRectF(100, 120, 160, 180);
        f.detections = {d};
        f.wallMs = QDateTime(QDate(2026, 11, 24), QTime(14, 3, 5, 123)).toMSecsSinceEpoch();
        return f;
    }

    static QStringList files(const QString& dir)
    {
        return QDir(dir).entryList(QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot);
    }

private slots:
    void fileName()
    {
        const QDateTime when(QDate(2026, 11, 24), QTime(14, 3, 5, 123));
        QCOMPARE(SnapshotWriter::baseName("Front door", when), QString("Front-door_2026-11-24_14-03-05-123"));
        QCOMPARE(SnapshotWriter::safeFileName("../../etc/passwd"), QString("etc-passwd"));
        QCOMPARE(SnapshotWriter::safeFileName("  "), QString("camera"));
    }

    void writesPngAndSidecar()
    {
        QTemporaryDir dir;
        SnapshotOptions o;
        o.folder = dir.filePath("new/folder");  // created on demand
        const ProcessedFrame f = frame();
        const SnapshotResult r = SnapshotWriter::write(f, "Front door", o);
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(QFileInfo(r.imagePath).fileName(), QString("Front-door_2026-11-24_14-03-05-123.png"));
        QVERIFY(r.rawPath.isEmpty());
        QCOMPARE(files(o.folder).size(), 2);

        QImage img(r.imagePath);
        QVERIFY(!img.isNull());
        // The fake's annotated image is smaller than the "jpeg" (source), so the larger one is used;
        // here that is the full-size source.
        QCOMPARE(img.size(), QSize(640, 480));

        QFile side(r.sidecarPath);
        QVERIFY(side.open(QIODevice::ReadOnly));
        QJsonParseError err;
        const QJsonObject j = QJsonDocument::fromJson(side.readAll(), &err).object();
        QCOMPARE(err.error, QJsonParseError::NoError);
        QCOMPARE(j["camera_id"].toString(), QString("front"));
        QCOMPARE(j["camera_name"].toString(), QString("Front door"));
        QCOMPARE(j["seq"].toInteger(), 4242);
        QVERIFY(j["time"].toString().startsWith("2026-11-24T14:03:05.123"));
        QCOMPARE(j["source_size"].toObject()["width"].toInt(), 640);
        QCOMPARE(j["image"].toString(), QFileInfo(r.imagePath).fileName());
        const QJsonArray dets = j["detections"].toArray();
        QCOMPARE(dets.size(), 1);
        QCOMPARE(dets[0].toObject()["name"].toString(), QString("person"));
        QCOMPARE(dets[0].toObject()["box"].toArray()[2].toDouble(), 160.0);  // [x,y,w,h], source pixels
        QVERIFY(qAbs(dets[0].toObject()["score"].toDouble() - 0.87) < 1e-3);

        // Same millisecond again: a new name, nothing overwritten.
        const SnapshotResult r2 = SnapshotWriter::write(f, "Front door", o);
        QVERIFY(r2.ok);
        QVERIFY(r2.imagePath != r.imagePath);
        QCOMPARE(files(o.folder).size(), 4);
    }

    void snapshotIsTheSourceWithBoxesWhateverTheDisplaySize()
    {
        // The display rendition is 320x240 (a small tile) with no JPEG: the snapshot is still the
        // camera's 640x480 picture, with the box drawn where the source-pixel box says.
        QTemporaryDir dir;
        SnapshotOptions o;
        o.folder = dir.path();
        o.format = "png";
        o.includeRaw = true;
        ProcessedFrame f = frame();
        f.jpeg.clear();
        const SnapshotResult r = SnapshotWriter::write(f, "cam", o);
        QVERIFY2(r.ok, qPrintable(r.error));
        QImage img(r.imagePath);
        QCOMPARE(img.size(), QSize(640, 480));
        const QColor inside = img.pixelColor(180, 250);   // inside the box: the source picture
        const QColor edge = img.pixelColor(100, 250);     // on the box's left edge: the box colour
        QVERIFY2(inside.green() > inside.red() && inside.green() > inside.blue(), qPrintable(inside.name()));
        QVERIFY2(edge != inside, qPrintable(edge.name()));
        QFile side(r.sidecarPath);
        QVERIFY(side.open(QIODevice::ReadOnly));
        const QJsonObject j = QJsonDocument::fromJson(side.readAll()).object();
        QCOMPARE(j["image_size"].toObject()["width"].toInt(), 640);
        QVERIFY(!r.rawPath.isEmpty());
        QFile raw(r.rawPath);
        QVERIFY(raw.open(QIODevice::ReadOnly));
        QCOMPARE(raw.readAll(), f.sourceJpeg);  // byte for byte
        QCOMPARE(files(o.folder).size(), 3);
    }

    void displayImageUsedWithoutSourceJpeg()
    {
        QTemporaryDir dir;
        SnapshotOptions o;
        o.folder = dir.path();
        o.format = "jpeg";
        ProcessedFrame f = frame();
        f.jpeg.clear();
        f.sourceJpeg.clear();  // only the display image: it must be what is saved
        const SnapshotResult r = SnapshotWriter::write(f, "cam", o);
        QVERIFY2(r.ok, qPrintable(r.error));
        QVERIFY(r.imagePath.endsWith(".jpg"));
        QImage img(r.imagePath);
        QCOMPARE(img.size(), QSize(320, 240));
        const QColor red = img.pixelColor(90, 100);
        QVERIFY2(red.red() > 200 && red.green() < 60, qPrintable(red.name()));
    }

    void folderCannotBeCreated()
    {
        QTemporaryDir dir;
        QFile blocker(dir.filePath("blocker"));
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.close();
        SnapshotOptions o;
        o.folder = dir.filePath("blocker/snaps");
        const SnapshotResult r = SnapshotWriter::write(frame(), "cam", o);
        QVERIFY(!r.ok);
        QVERIFY(r.error.contains("snapshot folder"));
        QCOMPARE(files(dir.path()), QStringList{"blocker"});
    }

    void readOnlyFolder()
    {
        if (geteuid() == 0)
            QSKIP("root ignores directory permissions");
        QTemporaryDir dir;
        const QString ro = dir.filePath("ro");
        QVERIFY(QDir().mkpath(ro));
        QVERIFY(QFile::setPermissions(ro, QFile::ReadOwner | QFile::ExeOwner));
        SnapshotOptions o;
        o.folder = ro;
        const SnapshotResult r = SnapshotWriter::write(frame(), "cam", o);
        QFile::setPermissions(ro, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        QVERIFY(!r.ok);
        QVERIFY(!r.error.isEmpty());
        QVERIFY(files(ro).isEmpty());
    }

    void laterFailureRollsBack()
    {
        // The raw file's name is taken by a directory: the image already written must go again.
        QTemporaryDir dir;
        SnapshotOptions o;
        o.folder = dir.path();
        o.includeRaw = true;
        const ProcessedFrame f = frame();
        const QDateTime when = QDateTime::fromMSecsSinceEpoch(f.wallMs);
        QVERIFY(QDir(dir.path()).mkdir(SnapshotWriter::baseName("cam", when) + "_raw.jpg"));
        const SnapshotResult r = SnapshotWriter::write(f, "cam", o);
        QVERIFY(!r.ok);
        QVERIFY(!r.error.isEmpty());
        QVERIFY2(files(dir.path()).isEmpty(), qPrintable(files(dir.path()).join(",")));
    }

    void noImage()
    {
        QTemporaryDir dir;
        SnapshotOptions o;
        o.folder = dir.path();
        ProcessedFrame empty;
        const SnapshotResult r = SnapshotWriter::write(empty, "cam", o);
        QVERIFY(!r.ok);
        QVERIFY(!r.error.isEmpty());
        QVERIFY(files(dir.path()).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestSnapshotWriter)
#include "tst_snapshot_writer.moc"
