// Desktop notifications for new events: only cameras that asked, rate-limited per camera and label,
// with the event's thumbnail; and the tile shows an event for as long as it is in progress.
#include <QSignalSpy>
#include <QtTest>

#include "camera_tile.h"
#include "event_notifier.h"
#include "pipeline/camera.h"
#include "processing/processing_scheduler.h"

using namespace vigil;

Q_DECLARE_METATYPE(vigil::EventNotifier::Notification)

class TestEventNotifier : public QObject {
    Q_OBJECT

    static QJsonObject event(const QString& id, const QString& camera, const QString& label)
    {
        return QJsonObject{{"id", id}, {"camera", camera}, {"camera_name", camera + " cam"}, {"label", label},
                           {"start_time", 1700000000.5}, {"zones", QJsonArray{"driveway"}}};
    }

private slots:
    void onlyWantedCamerasRateLimitedPerLabel()
    {
        EventNotifier n;
        n.setPictureDelayMs(0);
        n.setWantsNotifications([](const QString& camera) { return camera == "yard"; });
        QImage thumb(32, 18, QImage::Format_RGB32);
        thumb.fill(Qt::red);
        n.setPictureSource([&](const QString& id, const QString&) { return id == "e1" ? thumb : QImage(); });
        QSignalSpy spy(&n, &EventNotifier::notify);

        n.onEventChanged("new", event("e1", "yard", "person"));
        QTRY_COMPARE(spy.size(), 1);
        const auto first = spy.at(0).at(0).value<EventNotifier::Notification>();
        QCOMPARE(first.eventId, QStringLiteral("e1"));
        QCOMPARE(first.title, QStringLiteral("Person — yard cam"));
        QVERIFY(first.message.contains("in driveway"));
        QCOMPARE(first.picture.pixelColor(0, 0), QColor(Qt::red));

        n.onEventChanged("new", event("e2", "yard", "person"));    // same camera and label: too soon
        n.onEventChanged("update", event("e1", "yard", "person")); // not a start
        n.onEventChanged("end", event("e1", "yard", "person"));
        n.onEventChanged("new", event("e3", "gate", "person"));    // camera without notifications
        n.onEventChanged("new", event("e4", "yard", "car"));       // another label: shown
        QTRY_COMPARE(spy.size(), 2);
        QTest::qWait(50);
        QCOMPARE(spy.size(), 2);
        QCOMPARE(spy.at(1).at(0).value<EventNotifier::Notification>().eventId, QStringLiteral("e4"));
        QCOMPARE(n.suppressed(), quint64(1));

        n.setMinIntervalMs(0);                                      // the interval passed
        n.onEventChanged("new", event("e5", "yard", "person"));
        QTRY_COMPARE(spy.size(), 3);
    }

    void tileShowsEventsInProgress()
    {
        ProcessingScheduler scheduler(1);
        CameraConfig config;
        config.id = "yard";
        Camera camera(config, &scheduler);
        CameraTile tile(&camera);
        tile.resize(480, 300);
        QImage before = tile.grab().toImage();
        tile.setActiveEvents({"person", "person", "car"});
        QCOMPARE(tile.activeEvents().size(), 3);
        const QImage during = tile.grab().toImage();
        // The edge takes the first label's colour.
        QCOMPARE(during.pixelColor(2, 150).red(), 0xff);
        QVERIFY(during.pixelColor(2, 150) != before.pixelColor(2, 150));
        tile.setActiveEvents({});
        QCOMPARE(tile.grab().toImage().pixelColor(2, 150), before.pixelColor(2, 150));
    }
};

QTEST_MAIN(TestEventNotifier)
#include "tst_event_notifier.moc"
