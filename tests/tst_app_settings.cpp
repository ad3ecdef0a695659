// The persisted configuration: round trip, first launch, corrupt files kept as backups.
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QtTest>

#include "config/app_settings.h"

using namespace vigil;

class TestAppSettings : public QObject {
    Q_OBJECT

private:
    static AppSettings sample()
    {
        AppSettings s;
        CameraConfig a;
        a.id = "garage";
        a.name = "Garage door";
        a.url = QUrl("http://192.168.1.40:81/stream");
        a.user = "admin";
        a.password = "p@ss:word";
        a.skipFrames = 5;
        a.maxFps = 7.5;
        a.detectionEnabled = false;
        a.detector.modelPath = "/opt/models/yolo.onnx";
        a.detector.classFilter = {"person", "car"};
        a.detector.confThreshold = 0.4f;
        CameraConfig b;
        b.id = "yard";
        b.url = QUrl("https://cam.example.org/video.mjpg");
        s.cameras = {a, b};
        s.snapshotDir = "/tmp/snaps here";
        s.snapshotFormat = "jpeg";
        s.snapshotIncludeRaw = true;
        s.rebroadcastEnabled = true;
        s.rebroadcastBind = "0.0.0.0";
        s.rebroadcastPort = 9000;
        s.rebroadcastToken = "sekrit";
        s.defaultSkipFrames = 3;
        s.defaultMaxFps = 12;
        s.windowGeometry = QByteArray("\x01\x02\x00\xff geometry", 14);
        s.windowState = QByteArray("state");
        return s;
    }

    static QByteArray read(const QString& path)
    {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }

    static QStringList backups(const QString& dir)
    {
        return QDir(dir).entryList({"config.json.corrupt-*"}, QDir::Files);
    }

private slots:
    void roundTrip()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("sub/dir/config.json");
        const AppSettings s = sample();
        QString error;
        QVERIFY2(saveAppSettings(s, path, &error), qPrintable(error));
        const AppSettingsLoad loaded = loadAppSettings(path);
        QVERIFY(!loaded.firstLaunch);
        QVERIFY2(loaded.message.isEmpty(), qPrintable(loaded.message));
        QCOMPARE(loaded.settings.cameras.size(), 2);
        QCOMPARE(loaded.settings.cameras[0], s.cameras[0]);
        QCOMPARE(loaded.settings.cameras[1], s.cameras[1]);
        QVERIFY(loaded.settings == s);
        QVERIFY(backups(dir.filePath("sub/dir")).isEmpty());
    }

    void missingFileIsFirstLaunch()
    {
        QTemporaryDir dir;
        const AppSettingsLoad loaded = loadAppSettings(dir.filePath("config.json"));
        QVERIFY(loaded.firstLaunch);
        QVERIFY(loaded.message.isEmpty());
        QVERIFY(loaded.settings == AppSettings());
        QVERIFY(loaded.settings.effectiveSnapshotDir().endsWith("/Vigil"));
    }

    void corruptJsonIsKeptAsBackup()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("config.json");
        const QByteArray garbage = "{ \"cameras\": [ {\"id\": \"a\", \"url\": \"http://x/\" }, oops";
        {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(garbage);
        }
        const AppSettingsLoad loaded = loadAppSettings(path);
        QVERIFY(!loaded.firstLaunch);
        QVERIFY(!loaded.message.isEmpty());
        QVERIFY(loaded.message.contains("JSON"));
        QVERIFY(loaded.settings == AppSettings());
        const QStringList b = backups(dir.path());
        QCOMPARE(b.size(), 1);
        QCOMPARE(dir.filePath(b.first()), loaded.backupPath);
        QCOMPARE(read(loaded.backupPath), garbage);
        QVERIFY(loaded.message.contains(QDir::toNativeSeparators(loaded.backupPath)));
        // Loading again keeps a second backup instead of overwriting the first.
        const AppSettingsLoad again = loadAppSettings(path);
        QVERIFY(!again.message.isEmpty());
        QCOMPARE(backups(dir.path()).size(), 2);
    }

    void badValuesKeepTheRest()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("config.json");
        QJsonObject o = sample().toJson();
        QJsonArray cams = o["cameras"].toArray();
        QJsonObject bad = cams[1].toObject();
        bad["url"] = "ftp://nope";
        cams[1] = bad;
        QJsonObject dup = cams[0].toObject();
        cams.append(dup);  // duplicate id
        o["cameras"] = cams;
        QJsonObject snap = o["snapshot"].toObject();
        snap["format"] = "gif";
        o["snapshot"] = snap;
        const QByteArray bytes = QJsonDocument(o).toJson();
        {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(bytes);
        }
        const AppSettingsLoad loaded = loadAppSettings(path);
        QVERIFY(!loaded.message.isEmpty());
        QVERIFY2(loaded.message.contains("camera #2"), qPrintable(loaded.message));
        QVERIFY(loaded.message.contains("duplicate"));
        QVERIFY(loaded.message.contains("snapshot.format"));
        QCOMPARE(loaded.settings.cameras.size(), 1);
        QCOMPARE(loaded.settings.cameras[0].id, QString("garage"));
        QCOMPARE(loaded.settings.snapshotFormat, QString("png"));
        QCOMPARE(loaded.settings.rebroadcastPort, 9000);  // valid parts survive
        QCOMPARE(read(loaded.backupPath), bytes);
    }

    void notAnObject()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("config.json");
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("[1, 2, 3]");
        f.close();
        const AppSettingsLoad loaded = loadAppSettings(path);
        QVERIFY(!loaded.message.isEmpty());
        QVERIFY(QFile::exists(loaded.backupPath));
    }

    void saveFailureLeavesOldFile()
    {
        QTemporaryDir dir;
        // A regular file where the folder should be: the save must fail with a reason.
        const QString blocker = dir.filePath("blocker");
        QFile f(blocker);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("x");
        f.close();
        QString error;
        QVERIFY(!saveAppSettings(sample(), blocker + "/config.json", &error));
        QVERIFY(!error.isEmpty());

        // An existing good file stays intact when the directory cannot take a new one.
        const QString path = dir.filePath("config.json");
        QVERIFY(saveAppSettings(sample(), path, &error));
        const QByteArray before = read(path);
        AppSettings changed = sample();
        changed.defaultMaxFps = 3;
        QVERIFY(saveAppSettings(changed, path, &error));
        QVERIFY(read(path) != before);
        QCOMPARE(loadAppSettings(path).settings.defaultMaxFps, 3.0);
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden).size(), 2);  // no temp files left
    }
};

QTEST_GUILESS_MAIN(TestAppSettings)
#include "tst_app_settings.moc"
