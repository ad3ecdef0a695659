// The one redaction: user info always, every secret-named query value, URLs inside free text.
#include <QtTest>

#include "common/redact.h"

using namespace vigil;

class TestRedact : public QObject {
    Q_OBJECT
private slots:
    void secretNames_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("secret");
        for (const char* n : {"token", "Token", "apikey", "api_key", "passwd", "password", "pwd", "secret",
                              "auth", "authorization", "sig", "signature", "session", "sessionid", "user",
                              "username", "usr", "USR"})
            QTest::newRow(n) << QString::fromLatin1(n) << true;
        for (const char* n : {"resolution", "fps", "channel", "quality", "stream"})
            QTest::newRow(n) << QString::fromLatin1(n) << false;
    }
    void secretNames()
    {
        QFETCH(QString, name);
        QFETCH(bool, secret);
        QCOMPARE(isSecretName(name), secret);
    }

    void urlMasksUserInfoAndSecretQuery()
    {
        const QUrl url("http://admin:hunter2@cam.local:8080/video.cgi?usr=bob&passwd=x1&apikey=k9&fps=10&sig=abc");
        const QString s = redactedUrlString(url);
        QVERIFY2(!s.contains("admin") && !s.contains("hunter2") && !s.contains("bob") && !s.contains("x1")
                     && !s.contains("k9") && !s.contains("abc"),
                 qPrintable(s));
        QVERIFY2(s.contains("cam.local:8080/video.cgi") && s.contains("fps=10"), qPrintable(s));
        QVERIFY2(s.contains("usr=***") && s.contains("passwd=***"), qPrintable(s));
    }

    void urlWithUserOnly()
    {
        const QString s = redactedUrlString(QUrl("https://operator@10.0.0.5/mjpeg"));
        QVERIFY2(!s.contains("operator"), qPrintable(s));
        QVERIFY(s.contains("10.0.0.5/mjpeg"));
    }

    void plainUrlUnchanged()
    {
        const QUrl url("http://192.168.1.20:81/stream?channel=2");
        QCOMPARE(redactedUrlString(url), url.toString());
    }

    void freeText()
    {
        const QString line = "camera error: http://u:p4ss@cam/a?token=t0k&x=1 refused; see also ?session=s3s and key=k3y";
        const QString s = redactedText(line);
        for (const char* secret : {"p4ss", "t0k", "s3s", "k3y"})
            QVERIFY2(!s.contains(QLatin1String(secret)), qPrintable(s));
        QVERIFY2(s.startsWith("camera error: http://") && s.contains("refused") && s.contains("x=1"), qPrintable(s));
    }

    void brokenUrlInTextStillHidesUserInfo()
    {
        const QString s = redactedText("bad URL: http://me:s3cr3t@[::zz/path");
        QVERIFY2(!s.contains("s3cr3t") && !s.contains("me:"), qPrintable(s));
    }
};

QTEST_GUILESS_MAIN(TestRedact)
#include "tst_redact.moc"
