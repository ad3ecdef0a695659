// The empty window's text is whole at every window size (it was clipped to one line's height).
#include <QApplication>
#include <QLabel>
#include <QtTest>

#include "empty_state.h"
#include "theme.h"

using namespace vigil;

class TestEmptyState : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { theme::apply(*qApp); }

    void textIsWhole_data()
    {
        QTest::addColumn<QSize>("size");
        for (const QSize s : {QSize(1440, 900), QSize(1920, 1080), QSize(1024, 768), QSize(800, 600),
                              QSize(640, 480), QSize(2560, 1440)})
            QTest::newRow(qPrintable(QStringLiteral("%1x%2").arg(s.width()).arg(s.height()))) << s;
    }
    void textIsWhole()
    {
        QFETCH(QSize, size);
        EmptyState w;
        w.resize(size);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        auto* hint = w.findChild<QLabel*>(QStringLiteral("hint"));
        QVERIFY(hint);
        const QRect box = hint->contentsRect();
        const QRect needed = hint->fontMetrics().boundingRect(box, Qt::TextWordWrap | Qt::AlignCenter, hint->text());
        QVERIFY2(needed.height() > hint->fontMetrics().height(), "the text should wrap to several lines");
        QVERIFY2(box.contains(needed),
                 qPrintable(QStringLiteral("text needs %1x%2, label gives %3x%4")
                                .arg(needed.width()).arg(needed.height()).arg(box.width()).arg(box.height())));
        // The label itself is inside the window.
        QVERIFY(w.rect().contains(hint->geometry()));
        // For a look by eye: VIGIL_SCREENSHOT_DIR=/tmp/shots tst_empty_state
        const QString shots = qEnvironmentVariable("VIGIL_SCREENSHOT_DIR");
        if (!shots.isEmpty())
            QVERIFY(w.grab().save(QStringLiteral("%1/empty_%2x%3.png").arg(shots).arg(size.width()).arg(size.height())));
    }
};

QTEST_MAIN(TestEmptyState)
#include "tst_empty_state.moc"
