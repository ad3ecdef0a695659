// Event timeline strip: marks at the x of their times, merged when too close, in progress up to
// now, live changes, and a click on a mark names its event.
#include <QHelpEvent>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QToolTip>

#include "event_timeline.h"
#include "events/event_store.h"

using namespace vigil;

namespace {

Event makeEvent(const QString& id, const QString& camera, const QString& label, double start, std::optional<double> end)
{
    Event e;
    e.id = id;
    e.camera = camera;
    e.cameraName = camera;
    e.label = label;
    e.startTime = start;
    e.endTime = end;
    e.topScore = 0.9;
    return e;
}

} // namespace

class TestEventTimeline : public QObject {
    Q_OBJECT

private slots:
    void init();
    void marksAtTheirTimes();
    void closeMarksMerge();
    void clickEmitsTheId();
    void liveChanges();
    void hoverNamesTheMark();

private:
    QTemporaryDir m_tmp;
    std::unique_ptr<EventTimeline> m_strip;
    // The strip ends at T; 864 px for 24 h: 100 s per pixel.
    const double T = 1'700'000'000.0;
};

void TestEventTimeline::init()
{
    static bool filled = false;
    if (!filled) {
        EventStore::Options o;
        o.dir = m_tmp.path();
        o.minFreeBytes = 0;
        EventStore writer(o);
        QVERIFY(writer.open());
        for (const Event& e : {makeEvent("a-hour", "cam", "car", T - 3600, T - 3500),
                               makeEvent("a-half", "cam", "person", T - 43200, T - 43190),
                               makeEvent("a-live", "cam", "dog", T - 600, std::nullopt),
                               makeEvent("a-m1", "cam", "person", T - 20000, T - 19990),
                               makeEvent("a-m2", "cam", "person", T - 19950, T - 19940),
                               makeEvent("a-old", "cam", "person", T - 90000, T - 89990),
                               makeEvent("b-hour", "other", "car", T - 7200, T - 7100)})
            QVERIFY(writer.insert(e));
        filled = true;
    }
    m_strip = std::make_unique<EventTimeline>();
    m_strip->resize(864, 28);
    m_strip->setFixedNow(T);
    m_strip->setEventsFolder(m_tmp.path());
    m_strip->setCamera(QStringLiteral("cam"));
}

void TestEventTimeline::marksAtTheirTimes()
{
    QCOMPARE(m_strip->xForTime(T - 43200), 432.0);
    const QList<EventTimeline::Mark> marks = m_strip->marks();
    QHash<QString, EventTimeline::Mark> byId;
    for (const auto& m : marks)
        byId.insert(m.ids.first(), m);
    QCOMPARE(marks.size(), 4);  // a-m1/a-m2 merged; a-old is older than 24 h; b-hour is another camera
    QCOMPARE(byId.value("a-half").x0, 432);
    QCOMPARE(byId.value("a-half").x1, 432);
    QCOMPARE(byId.value("a-hour").x0, 828);
    QCOMPARE(byId.value("a-hour").x1, 829);
    // In progress: from its start to now (the right edge).
    QCOMPARE(byId.value("a-live").x0, 858);
    QCOMPARE(byId.value("a-live").x1, 863);
    QVERIFY(!byId.contains("b-hour") && !byId.contains("a-old"));

    // Painted in the label's colour where the mark is, background elsewhere.
    const QImage image = m_strip->grab().toImage();
    QCOMPARE(image.pixelColor(432, 8), EventTimeline::colourFor(QStringLiteral("person")));
    QCOMPARE(image.pixelColor(828, 8), EventTimeline::colourFor(QStringLiteral("car")));
    QCOMPARE(image.pixelColor(861, 8), EventTimeline::colourFor(QStringLiteral("dog")));
    QVERIFY(image.pixelColor(300, 8) != EventTimeline::colourFor(QStringLiteral("person")));
}

void TestEventTimeline::closeMarksMerge()
{
    const QList<EventTimeline::Mark> marks = m_strip->marks();
    const auto merged = std::find_if(marks.begin(), marks.end(), [](const auto& m) { return m.ids.size() > 1; });
    QVERIFY(merged != marks.end());
    QCOMPARE(merged->ids, (QStringList{"a-m2", "a-m1"}));  // newest first
    QCOMPARE(merged->x0, 664);
    // Wider: the two marks 50 s apart are 10 px apart and stay separate.
    m_strip->resize(864 * 20, 28);
    int separate = 0;
    for (const auto& m : m_strip->marks())
        separate += m.ids.first().startsWith(QLatin1String("a-m")) ? 1 : 0;
    QCOMPARE(separate, 2);
}

void TestEventTimeline::clickEmitsTheId()
{
    m_strip->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_strip.get()));
    QSignalSpy clicked(m_strip.get(), &EventTimeline::eventClicked);
    QTest::mouseClick(m_strip.get(), Qt::LeftButton, {}, QPoint(433, 10));  // within the slack
    QCOMPARE(clicked.size(), 1);
    QCOMPARE(clicked.first().first().toString(), QStringLiteral("a-half"));
    QTest::mouseClick(m_strip.get(), Qt::LeftButton, {}, QPoint(860, 10));
    QCOMPARE(clicked.last().first().toString(), QStringLiteral("a-live"));
    QTest::mouseClick(m_strip.get(), Qt::LeftButton, {}, QPoint(200, 10));  // nothing there
    QCOMPARE(clicked.size(), 2);
}

void TestEventTimeline::liveChanges()
{
    const int before = int(m_strip->marks().size());
    // In progress: it reaches to now, over the later marks (one merged mark from x 564 on).
    m_strip->applyEventChange(QStringLiteral("new"), toJson(makeEvent("n1", "cam", "cat", T - 30000, std::nullopt), false));
    m_strip->applyEventChange(QStringLiteral("new"), toJson(makeEvent("n2", "other", "cat", T - 10000, std::nullopt), false));
    QVERIFY(m_strip->markAt(564));
    QVERIFY(m_strip->markAt(564)->ids.contains(QStringLiteral("n1")));
    QVERIFY(!m_strip->markAt(664)->ids.contains(QStringLiteral("n2")));  // another camera
    QCOMPARE(m_strip->markAt(564)->x1, 863);
    m_strip->applyEventChange(QStringLiteral("end"), toJson(makeEvent("n1", "cam", "cat", T - 30000, T - 29800), false));
    QCOMPARE(int(m_strip->marks().size()), before + 1);
    QCOMPARE(m_strip->markAt(564)->ids, QStringList{QStringLiteral("n1")});
    QCOMPARE(m_strip->markAt(564)->x1, 566);
    m_strip->applyEventChange(QStringLiteral("delete"), QJsonObject{{QStringLiteral("id"), QStringLiteral("n1")}});
    QCOMPARE(int(m_strip->marks().size()), before);
    QVERIFY(!m_strip->markAt(564));
}

void TestEventTimeline::hoverNamesTheMark()
{
    m_strip->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_strip.get()));
    QHelpEvent help(QEvent::ToolTip, QPoint(828, 10), m_strip->mapToGlobal(QPoint(828, 10)));
    QCoreApplication::sendEvent(m_strip.get(), &help);
    const QString time = QDateTime::fromMSecsSinceEpoch(qint64((T - 3600) * 1000)).toString(QStringLiteral("HH:mm:ss"));
    QTRY_COMPARE(QToolTip::text(), QStringLiteral("car ") + time);
}

QTEST_MAIN(TestEventTimeline)
#include "tst_event_timeline.moc"
