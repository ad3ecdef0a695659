// The Debian package: `cpack -G DEB` on this build holds the app, its desktop entry, icon, model
// manifest and service file, and depends on what the binary links.
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "test_util.h"

class TestPackage : public QObject {
    Q_OBJECT

    static QByteArray run(const QString& program, const QStringList& args, const QString& dir = {})
    {
        QProcess p;
        if (!dir.isEmpty())
            p.setWorkingDirectory(dir);
        p.start(program, args);
        if (!p.waitForFinished(120000) || p.exitCode() != 0)
            qWarning().noquote() << program << args.join(' ') << "failed:" << p.readAllStandardError()
                                 << p.readAllStandardOutput();
        return p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0 ? p.readAllStandardOutput() : QByteArray();
    }

private slots:
    void debianPackageHasTheAppAndItsDependencies()
    {
        if (!qEnvironmentVariableIsEmpty("VIGIL_SANITIZER"))
            QSKIP("packages are checked on the plain build");
        for (const char* tool : {"cpack", "dpkg-deb", "dpkg-shlibdeps"})
            if (QStandardPaths::findExecutable(QLatin1String(tool)).isEmpty())
                QSKIP(qPrintable(QStringLiteral("%1 is not installed (./dev.sh test installs it)").arg(tool)));
        QTemporaryDir out;
        QVERIFY(out.isValid());
        run(QStringLiteral(VIGIL_CPACK), {"-G", "DEB", "-B", out.path()}, QStringLiteral(VIGIL_BUILD_DIR));
        const QStringList debs = QDir(out.path()).entryList({"vigil_*.deb"}, QDir::Files);
        QCOMPARE(debs.size(), 1);
        const QString deb = out.filePath(debs.first());

        const QByteArray contents = run("dpkg-deb", {"--contents", deb});
        for (const char* path : {"./usr/bin/vigil", "./usr/share/applications/vigil.desktop",
                                 "./usr/share/icons/hicolor/scalable/apps/vigil.svg",
                                 "./usr/share/vigil/models/manifest.json", "./usr/share/vigil/models/fetch.sh",
                                 "./usr/lib/systemd/user/vigil-headless.service"})
            QVERIFY2(contents.contains(path), path);
        QVERIFY2(!contents.contains(".onnx") && !contents.contains(".weights"), "model weights in the package");
        for (const char* path : {"./usr/share/doc/vigil/copyright", "./usr/share/doc/vigil/changelog.Debian.gz",
                                 "./usr/share/man/man1/vigil.1.gz"})
            QVERIFY2(contents.contains(path), path);

        // What `apt show` prints: a real maintainer address, a description without ";" joins.
        const QByteArray maintainer = run("dpkg-deb", {"--field", deb, "Maintainer"});
        QVERIFY2(!maintainer.contains("localhost") && maintainer.contains('@'), maintainer.constData());
        const QByteArray description = run("dpkg-deb", {"--field", deb, "Description"});
        QVERIFY2(!description.isEmpty() && !description.contains(';'), description.constData());

        // lintian finds no errors (warnings are printed for the record).
        if (QStandardPaths::findExecutable("lintian").isEmpty())
            QSKIP("lintian is not installed (./dev.sh test installs it)");
        QProcess lint;
        lint.start("lintian", {"--fail-on", "error", deb});
        QVERIFY(lint.waitForFinished(180000));
        const QByteArray report = lint.readAllStandardOutput() + lint.readAllStandardError();
        qInfo().noquote() << "lintian:" << report;
        QVERIFY2(lint.exitCode() == 0 && !report.contains("\nE: ") && !report.startsWith("E: "), report.constData());

        const QByteArray depends = run("dpkg-deb", {"--field", deb, "Depends"});
        for (const char* lib : {"libqt6widgets6", "libqt6network6", "libqt6websockets6", "libqt6httpserver6",
                                "libopencv-dnn", "libturbojpeg0", "qt6-qpa-plugins"})
            QVERIFY2(depends.contains(lib), qPrintable(QStringLiteral("%1 missing from Depends: %2")
                                                           .arg(lib, QString::fromUtf8(depends))));

        // The packaged binary is the real, stripped app: it runs and says its version.
        QTemporaryDir root;
        run("dpkg-deb", {"--extract", deb, root.path()});
        const QByteArray version = run(root.filePath("usr/bin/vigil"), {"--version"});
        QVERIFY2(version.startsWith("vigil " VIGIL_VERSION), version.constData());

        // Relocatable: a model an administrator puts in <where it was unpacked>/usr/share/vigil/models
        // is found by that binary, for a user who has none of their own.
        const QString model = vigil::test::modelsDir() + "/yolox_nano_coco80_416_fp32.onnx";
        if (!QFile::exists(model))
            QSKIP(qPrintable("models folder absent: " + vigil::test::modelsDir()));
        QVERIFY(QFile::copy(model, root.filePath("usr/share/vigil/models/yolox_nano_coco80_416_fp32.onnx")));
        QTemporaryDir home;
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove("VIGIL_MODEL");
        env.insert("HOME", home.path());
        env.insert("XDG_DATA_HOME", home.filePath("data"));
        env.insert("XDG_CONFIG_HOME", home.filePath("config"));
        p.setProcessEnvironment(env);
        p.start(root.filePath("usr/bin/vigil"), {"--headless", "--demo", "--duration", "1"});
        QVERIFY(p.waitForFinished(60000));
        const QByteArray err = p.readAllStandardError();
        QCOMPARE(p.exitCode(), 0);
        QVERIFY2(err.contains(root.filePath("usr/share/vigil/models/yolox_nano").toUtf8()), err.constData());
    }
};

QTEST_GUILESS_MAIN(TestPackage)
#include "tst_package.moc"
