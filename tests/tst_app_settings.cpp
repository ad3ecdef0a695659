// The persisted configuration: round trip, first launch, corrupt files kept as backups.
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/stat.h>

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
        a.detect = vigil::DetectMode::Off;
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
        QVERIFY2(loaded.message.contains("camera #2 \"yard\": \"url\""), qPrintable(loaded.message));
        QVERIFY(loaded.message.contains("camera #3 \"garage\": duplicate"));
        QVERIFY(loaded.message.contains("\"snapshot.format\""));
        QCOMPARE(loaded.settings.cameras.size(), 1);
        QCOMPARE(loaded.settings.cameras[0].id, QString("garage"));
        QCOMPARE(loaded.settings.snapshotFormat, QString("png"));
        QCOMPARE(loaded.settings.rebroadcastPort, 9000);  // valid parts survive
        QCOMPARE(read(loaded.backupPath), bytes);
    }

    void badKeyNamesCameraAndKeyAndTheRestLoads()
    {
        QJsonObject o = sample().toJson();
        QJsonArray cams = o["cameras"].toArray();
        QJsonObject yard = cams[1].toObject();
        yard["fps"] = "ten";
        yard["skip_frames"] = 4;
        cams[1] = yard;
        o["cameras"] = cams;
        QJsonObject limits = o["limits"].toObject();
        limits["max_part_bytes"] = -1;
        o["limits"] = limits;
        o["rebroadcast"] = 5;
        QStringList errors;
        const AppSettings s = AppSettings::fromJson(o, &errors);
        QCOMPARE(errors.size(), 3);
        QCOMPARE(errors[0], QString("camera #2 \"yard\": \"fps\": expected a number"));
        QVERIFY2(errors[1].startsWith("\"rebroadcast\": expected an object"), qPrintable(errors[1]));
        QVERIFY2(errors[2].startsWith("\"limits.max_part_bytes\": -1 is out of range"), qPrintable(errors[2]));
        // The camera with the bad key still loads, with that key at its default.
        QCOMPARE(s.cameras.size(), 2);
        QCOMPARE(s.cameras[1].skipFrames, 4);
        QCOMPARE(s.cameras[1].maxFps, CameraConfig().maxFps);
        QCOMPARE(s.limits.capture.maxPartBytes, CaptureLimits().maxPartBytes);
        QCOMPARE(s.rebroadcastPort, AppSettings().rebroadcastPort);
        QCOMPARE(s.snapshotFormat, QString("jpeg"));
    }

    void limitsRoundTrip()
    {
        AppSettings s = sample();
        s.limits.capture.maxPartBytes = 3 * 1024 * 1024;
        s.limits.capture.maxJpegSize = QSize(4000, 3000);
        s.limits.server.maxConnectionsPerPeer = 8;
        s.limits.server.allowedHosts = {"nas.local"};
        QStringList errors;
        QVERIFY(AppSettings::fromJson(s.toJson(), &errors) == s);
        QVERIFY2(errors.isEmpty(), qPrintable(errors.join("; ")));
    }

    void savedFileIsPrivate()
    {
        QTemporaryDir dir;
        // Created private: with a permissive umask the folder and file still allow no one else.
        const mode_t old = ::umask(0);
        const QString path = dir.filePath("new/vigil/config.json");
        QString error;
        const bool saved = saveAppSettings(sample(), path, &error);
        ::umask(old);
        QVERIFY2(saved, qPrintable(error));
        struct stat st{};
        QCOMPARE(::stat(QFile::encodeName(path).constData(), &st), 0);
        QCOMPARE(st.st_mode & 0777, mode_t(0600));
        for (const char* folder : {"new/vigil", "new"}) {
            QCOMPARE(::stat(QFile::encodeName(dir.filePath(folder)).constData(), &st), 0);
            QCOMPARE(st.st_mode & 0777, mode_t(0700));
        }
        // An old world-readable file is replaced by a private one, not loosened to match it.
        QVERIFY(QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner | QFile::ReadOther));
        QVERIFY(saveAppSettings(sample(), path, &error));
        QCOMPARE(::stat(QFile::encodeName(path).constData(), &st), 0);
        QCOMPARE(st.st_mode & 0777, mode_t(0600));
        QCOMPARE(loadAppSettings(path).settings, sample());
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
