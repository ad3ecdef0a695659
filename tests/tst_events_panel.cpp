// Events panel: the list pages the store on demand in exact newest-first order (ties on
// start_time too), filters, live changes, thumbnails off the GUI thread, the details pane
// (snapshot, box, export, delete, API link) and the store's paging additions.
#include <QApplication>
#include <QBuffer>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QRandomGenerator>
#include <QScrollBar>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>
#include <QTimer>

#include <algorithm>
#include <cmath>

#include "event_details.h"
#include "event_filter_bar.h"
#include "event_list_model.h"
#include "events/event_store.h"
#include "events_panel.h"
#include "thumbnail_loader.h"

using namespace vigil;

namespace {

double nowS()
{
    return double(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
}

QByteArray jpegOf(const QColor& colour, QSize size = {320, 180})
{
    QImage image(size, QImage::Format_RGB32);
    image.fill(colour);
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "JPG", 95);
    return bytes;
}

bool near(const QColor& a, const QColor& b, int tolerance = 40)
{
    return std::abs(a.red() - b.red()) <= tolerance && std::abs(a.green() - b.green()) <= tolerance
        && std::abs(a.blue() - b.blue()) <= tolerance;
}

// What the test stored, in the order the store must list it.
struct Stored {
    Event event;
    int insertion = 0;  // the store's seq order
};

QStringList idsOf(const QList<Stored>& events)
{
    QStringList out;
    for (const Stored& s : events)
        out << s.event.id;
    return out;
}

// All rows of the model, paging to the end.
QStringList allRows(EventListModel& model)
{
    while (model.canFetchMore())
        model.fetchMore();
    QStringList out;
    for (int r = 0; r < model.rowCount(); ++r)
        out << model.eventAt(r).id;
    return out;
}

// Clicks "Yes" in the next modal message box (the confirmation runs its own event loop).
void acceptNextMessageBox()
{
    auto* timer = new QTimer;
    timer->setInterval(20);
    QObject::connect(timer, &QTimer::timeout, timer, [timer] {
        if (auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget())) {
            box->button(QMessageBox::Yes)->click();
            timer->deleteLater();
        }
    });
    timer->start();
}

} // namespace

class TestEventsPanel : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void storeKeysetPagingIsExactAndIndexed();
    void storeCountsAndDistinctValues();
    void firstPageOnlyThenScrollLoadsMore();
    void pagesAreExactNewestFirstWithTies();
    void filtersByCameraLabelZone();
    void filterInProgress();
    void todayStartsAtLocalMidnight();
    void filterBarBuildsQueries();
    void liveNewUpdateEndDelete();
    void liveNewWhilePagingHasNoDuplicates();
    void thumbnailsArriveWithoutBlocking();
    void detailsShowSnapshotAndBox();
    void detailsPlaceholderWithoutSnapshot();
    void exportWritesFilesAndJson();
    void copyLinkHasNoToken();
    void deleteConfirmsAndReportsFailure();
    void panelSelectsAndPagesToEvent();

private:
    std::unique_ptr<EventStore> openWriter()
    {
        EventStore::Options o;
        o.dir = m_dir;
        o.minFreeBytes = 0;
        auto store = std::make_unique<EventStore>(o);
        const StoreResult r = store->open();
        if (!r)
            qWarning() << "open failed:" << r.error;
        return store;
    }
    QList<Stored> expected(const std::function<bool(const Event&)>& keep) const
    {
        QList<Stored> out;
        for (const Stored& s : m_stored)
            if (keep(s.event))
                out << s;
        std::sort(out.begin(), out.end(), [](const Stored& a, const Stored& b) {
            return a.event.startTime != b.event.startTime ? a.event.startTime > b.event.startTime : a.insertion > b.insertion;
        });
        return out;
    }
    bool add(const Event& e)
    {
        const StoreResult r = m_writer->insert(e);
        if (!r) {
            qWarning() << r.error;
            return false;
        }
        m_stored.append({e, m_nextInsertion++});
        return true;
    }

    QTemporaryDir m_tmp;
    QString m_dir;
    std::unique_ptr<EventStore> m_writer;
    QList<Stored> m_stored;
    int m_nextInsertion = 0;
    double m_midnight = 0;
    const QStringList m_cameras{QStringLiteral("front"), QStringLiteral("back"), QStringLiteral("side")};
    const QStringList m_labels{QStringLiteral("person"), QStringLiteral("car"), QStringLiteral("dog")};
};

void TestEventsPanel::initTestCase()
{
    QVERIFY(m_tmp.isValid());
    m_dir = m_tmp.path() + QStringLiteral("/events");
    m_writer = openWriter();
    QVERIFY(m_writer->isOpen());
    // 10 000 events over three days, five at a time sharing one start time, inserted in shuffled
    // order so insertion order (the tie-break) differs from time order.
    const double base = nowS() - 3.2 * 86400;
    QList<int> order;
    for (int i = 0; i < 10000; ++i)
        order << i;
    std::shuffle(order.begin(), order.end(), *QRandomGenerator::global());
    QVERIFY(m_writer->beginBatch());
    for (int i : order) {
        Event e;
        e.id = QStringLiteral("node-%1-%2-0").arg(m_cameras[i % 3]).arg(i);
        e.camera = m_cameras[i % 3];
        e.cameraName = e.camera.toUpper();
        e.label = m_labels[(i / 3) % 3];
        e.startTime = base + double(i / 5) * 130.0;
        if (i % 1500 != 7)  // a few still in progress
            e.endTime = e.startTime + 5 + i % 40;
        e.topScore = 0.5 + double(i % 50) / 100.0;
        if (i % 4 == 0)
            e.zones = {QStringLiteral("drive")};
        else if (i % 4 == 1)
            e.zones = {QStringLiteral("porch"), QStringLiteral("drive")};
        e.box = QRectF(40, 30, 100, 80);
        e.track = {{e.startTime, QRectF(1, 2, 3, 4), 0.6}, {e.startTime + 1, QRectF(2, 3, 4, 5), e.topScore}};
        QVERIFY(add(e));
    }
    // The "today" boundary, on a camera of its own: 23:59 yesterday, midnight, 00:01 today.
    m_midnight = EventFilterBar::localMidnight(nowS());
    const QList<QPair<QString, double>> edge{{QStringLiteral("n-edge-before-0"), m_midnight - 60},
                                             {QStringLiteral("n-edge-at-0"), m_midnight},
                                             {QStringLiteral("n-edge-after-0"), m_midnight + 60}};
    for (const auto& [id, t] : edge) {
        Event e;
        e.id = id;
        e.camera = QStringLiteral("edge");
        e.cameraName = QStringLiteral("Edge");
        e.label = QStringLiteral("cat");
        e.startTime = t;
        e.endTime = t + 3;
        QVERIFY(add(e));
    }
    QVERIFY(m_writer->commitBatch());
    QCOMPARE(m_writer->count(), qint64(m_stored.size()));
}

void TestEventsPanel::storeKeysetPagingIsExactAndIndexed()
{
    auto reader = EventStore::openReadOnly(m_dir);
    EventQuery q;
    q.camera = QStringLiteral("back");
    q.limit = 333;
    QStringList got;
    for (int pages = 0; pages < 100; ++pages) {
        QList<EventKey> keys;
        QString error;
        const QList<Event> page = reader->queryPage(q, &keys, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(keys.size(), page.size());
        for (const Event& e : page)
            got << e.id;
        if (page.size() < q.limit)
            break;
        q.beforeKey = keys.last();
    }
    QCOMPARE(got, idsOf(expected([](const Event& e) { return e.camera == QLatin1String("back"); })));
    // keyOf agrees with the page's keys.
    QList<EventKey> keys;
    EventQuery first;
    first.limit = 3;
    const QList<Event> page = reader->queryPage(first, &keys);
    QCOMPARE(reader->keyOf(page.at(1).id), std::optional<EventKey>(keys.at(1)));
    QVERIFY(!reader->keyOf(QStringLiteral("no-such-id")));

    // The keyset walks the index like the first page does: no sort of all rows.
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("plan"));
    db.setDatabaseName(m_dir + QStringLiteral("/events.db"));
    QVERIFY(db.open());
    for (const char* sql : {"EXPLAIN QUERY PLAN SELECT id FROM events e WHERE e.camera = 'a' AND (e.start_time, e.seq) < (5, 6)"
                            " ORDER BY e.start_time DESC, e.seq DESC LIMIT 200",
                            "EXPLAIN QUERY PLAN SELECT id FROM events e WHERE (e.start_time, e.seq) < (5, 6)"
                            " ORDER BY e.start_time DESC, e.seq DESC LIMIT 200",
                            "EXPLAIN QUERY PLAN SELECT e.id FROM event_zones z JOIN events e ON e.seq = z.event_seq WHERE z.zone = 'x'"
                            " AND (z.start_time, z.event_seq) < (5, 6) ORDER BY z.start_time DESC, z.event_seq DESC LIMIT 200"}) {
        QSqlQuery plan(db);
        QVERIFY(plan.exec(QLatin1String(sql)));
        QString details;
        while (plan.next())
            details += plan.value(3).toString() + u'|';
        QVERIFY2(!details.contains(QStringLiteral("TEMP B-TREE")), qPrintable(details));
        QVERIFY2(details.contains(QStringLiteral("INDEX")) || details.contains(QStringLiteral("PRIMARY KEY")), qPrintable(details));
    }
    db.close();
    db = QSqlDatabase();
    QSqlDatabase::removeDatabase(QStringLiteral("plan"));
}

void TestEventsPanel::storeCountsAndDistinctValues()
{
    auto reader = EventStore::openReadOnly(m_dir);
    EventQuery q;
    q.zone = QStringLiteral("porch");
    q.label = QStringLiteral("car");
    q.limit = 1;  // ignored by count
    const qint64 want = expected([](const Event& e) { return e.zones.contains(QLatin1String("porch")) && e.label == QLatin1String("car"); }).size();
    QCOMPARE(reader->count(q), want);
    QCOMPARE(reader->count(EventQuery{}), qint64(m_stored.size()));
    QCOMPARE(reader->distinctValues(QStringLiteral("camera")),
             (QStringList{QStringLiteral("back"), QStringLiteral("edge"), QStringLiteral("front"), QStringLiteral("side")}));
    QCOMPARE(reader->distinctValues(QStringLiteral("label")),
             (QStringList{QStringLiteral("car"), QStringLiteral("cat"), QStringLiteral("dog"), QStringLiteral("person")}));
    QCOMPARE(reader->distinctValues(QStringLiteral("zone")), (QStringList{QStringLiteral("drive"), QStringLiteral("porch")}));
    QString error;
    QVERIFY(reader->distinctValues(QStringLiteral("id; DROP TABLE events"), &error).isEmpty());
    QVERIFY(!error.isEmpty());
}

void TestEventsPanel::firstPageOnlyThenScrollLoadsMore()
{
    EventListModel model;
    model.setEventsFolder(m_dir);
    QCOMPARE(model.rowCount(), EventListModel::kPageSize);
    QCOMPARE(model.rowsFetched(), qint64(EventListModel::kPageSize));
    QVERIFY(model.canFetchMore());

    QTableView view;
    view.setModel(&model);
    view.resize(600, 400);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QCOMPARE(model.rowsFetched(), qint64(EventListModel::kPageSize));  // showing reads nothing more
    // Scrolling to the bottom makes the view ask for the next page, and only that.
    view.verticalScrollBar()->setValue(view.verticalScrollBar()->maximum());
    QTRY_COMPARE(model.rowCount(), 2 * EventListModel::kPageSize);
    QCOMPARE(model.rowsFetched(), qint64(2 * EventListModel::kPageSize));
    QVERIFY(model.rowsFetched() < m_stored.size() / 10);
    // Rows carry what the columns show.
    const Event first = model.eventAt(0);
    QCOMPARE(model.data(model.index(0, EventListModel::Label)).toString(), first.label);
    QCOMPARE(model.data(model.index(0, EventListModel::Camera)).toString(), first.cameraName);
    QCOMPARE(model.data(model.index(0, EventListModel::Start)).toString(),
             QDateTime::fromMSecsSinceEpoch(qint64(first.startTime * 1000)).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")));
    QCOMPARE(model.data(model.index(0, 0), EventListModel::EventIdRole).toString(), first.id);
}

void TestEventsPanel::pagesAreExactNewestFirstWithTies()
{
    EventListModel model;
    model.setEventsFolder(m_dir);
    const QStringList rows = allRows(model);
    const QStringList want = idsOf(expected([](const Event&) { return true; }));
    QCOMPARE(rows.size(), want.size());
    QCOMPARE(rows, want);  // order, no duplicates, no gaps
    QCOMPARE(model.rowsFetched(), qint64(want.size()));  // each row read once
    QVERIFY(!model.canFetchMore());
    QCOMPARE(model.rowOf(want.at(4321)), 4321);
    QCOMPARE(model.eventAt(4321).id, want.at(4321));
}

void TestEventsPanel::filtersByCameraLabelZone()
{
    EventListModel model;
    model.setEventsFolder(m_dir);
    EventQuery f;
    f.camera = QStringLiteral("front");
    model.setFilter(f);
    QCOMPARE(model.rowsFetched(), qint64(2 * EventListModel::kPageSize));  // one page per setFilter
    QCOMPARE(allRows(model), idsOf(expected([](const Event& e) { return e.camera == QLatin1String("front"); })));

    f = {};
    f.label = QStringLiteral("dog");
    f.zone = QStringLiteral("porch");
    model.setFilter(f);
    const QStringList want = idsOf(expected([](const Event& e) {
        return e.label == QLatin1String("dog") && e.zones.contains(QLatin1String("porch"));
    }));
    QVERIFY(want.size() > EventListModel::kPageSize);
    QCOMPARE(allRows(model), want);

    f = {};
    f.camera = QStringLiteral("side");
    f.label = QStringLiteral("person");
    f.zone = QStringLiteral("drive");
    model.setFilter(f);
    QCOMPARE(allRows(model), idsOf(expected([](const Event& e) {
        return e.camera == QLatin1String("side") && e.label == QLatin1String("person") && e.zones.contains(QLatin1String("drive"));
    })));
}

void TestEventsPanel::filterInProgress()
{
    EventListModel model;
    model.setEventsFolder(m_dir);
    EventQuery f;
    f.inProgress = true;
    model.setFilter(f);
    const QStringList want = idsOf(expected([](const Event& e) { return e.inProgress(); }));
    QVERIFY(!want.isEmpty());
    QCOMPARE(allRows(model), want);
    for (int r = 0; r < model.rowCount(); ++r) {
        QVERIFY(model.data(model.index(r, 0), EventListModel::InProgressRole).toBool());
        QVERIFY(model.data(model.index(r, EventListModel::Duration)).toString().startsWith(QStringLiteral("●")));
    }
}

void TestEventsPanel::todayStartsAtLocalMidnight()
{
    const QDateTime midnight = QDateTime::fromMSecsSinceEpoch(qint64(m_midnight * 1000));
    QCOMPARE(midnight.time(), QTime(0, 0));
    QCOMPARE(midnight.date(), QDate::currentDate());

    EventFilterBar bar;
    bar.setCamera(QStringLiteral("edge"));
    bar.setTimeRange(EventFilterBar::TimeRange::Today);
    EventListModel model;
    model.setEventsFolder(m_dir);
    model.setFilter(bar.query());
    // 23:59 yesterday is out; midnight itself and 00:01 are in.
    QCOMPARE(allRows(model), (QStringList{QStringLiteral("n-edge-after-0"), QStringLiteral("n-edge-at-0")}));

    bar.setTimeRange(EventFilterBar::TimeRange::Last24h);
    model.setFilter(bar.query());
    QVERIFY(allRows(model).contains(QStringLiteral("n-edge-before-0")) == (nowS() - (m_midnight - 60) < 86400));

    // Custom: whole local minutes, "to" included.
    bar.setTimeRange(EventFilterBar::TimeRange::Custom);
    bar.setCustomRange(midnight.addSecs(-60), midnight);
    model.setFilter(bar.query());
    QCOMPARE(allRows(model), (QStringList{QStringLiteral("n-edge-at-0"), QStringLiteral("n-edge-before-0")}));
}

void TestEventsPanel::filterBarBuildsQueries()
{
    EventFilterBar bar;
    bar.setCameras({{QStringLiteral("front"), QStringLiteral("Front door")}, {QStringLiteral("back"), QStringLiteral("Back yard")}});
    bar.setLabels({QStringLiteral("person"), QStringLiteral("car")});
    bar.setZones({QStringLiteral("drive")});
    QCOMPARE(bar.cameraBox()->itemText(0), QStringLiteral("Any camera"));
    QCOMPARE(bar.cameraBox()->itemText(1), QStringLiteral("Back yard"));
    QSignalSpy spy(&bar, &EventFilterBar::filterChanged);
    bar.cameraBox()->setCurrentIndex(bar.cameraBox()->findData(QStringLiteral("front")));
    QCOMPARE(spy.size(), 1);
    bar.setLabel(QStringLiteral("car"));
    bar.setInProgressOnly(true);
    const double now = nowS();
    bar.setTimeRange(EventFilterBar::TimeRange::Today);
    const EventQuery q = bar.query(now);
    QCOMPARE(q.camera, QStringLiteral("front"));
    QCOMPARE(q.label, QStringLiteral("car"));
    QVERIFY(q.zone.isEmpty());
    QCOMPARE(q.inProgress, std::optional<bool>(true));
    QVERIFY(q.after && *q.after < EventFilterBar::localMidnight(now) && std::nextafter(*q.after, 1e300) == EventFilterBar::localMidnight(now));
    QVERIFY(!q.before);
    QCOMPARE(spy.size(), 4);
    // A refreshed list keeps the current choice, without a signal.
    bar.setCameras({{QStringLiteral("back"), QStringLiteral("Back yard")}});
    QCOMPARE(bar.query().camera, QStringLiteral("front"));
    QCOMPARE(spy.size(), 4);
    // The custom range names the local zone.
    bar.setTimeRange(EventFilterBar::TimeRange::Custom);
    QVERIFY(!bar.zoneLabel()->isHidden());
    QVERIFY(bar.zoneLabel()->text().contains(QStringLiteral("(UTC")));
    const QDateTime winter(QDate(2024, 1, 15), QTime(12, 0), QTimeZone(QByteArrayLiteral("Europe/Paris")));
    const int offset = winter.toLocalTime().offsetFromUtc();
    QVERIFY(EventFilterBar::zoneNote(winter).contains(QStringLiteral("UTC%1%2:")
                                                          .arg(offset < 0 ? u'-' : u'+').arg(std::abs(offset) / 3600, 2, 10, QChar(u'0'))));
}

void TestEventsPanel::liveNewUpdateEndDelete()
{
    EventListModel model;
    model.setEventsFolder(m_dir);
    EventQuery f;
    f.camera = QStringLiteral("front");
    model.setFilter(f);
    const int before = model.rowCount();

    Event e;
    e.id = QStringLiteral("live-front-1");
    e.camera = QStringLiteral("front");
    e.cameraName = QStringLiteral("FRONT");
    e.label = QStringLiteral("person");
    e.startTime = nowS();
    e.topScore = 0.6;
    model.applyEventChange(QStringLiteral("new"), toJson(e, false));
    QCOMPARE(model.rowCount(), before + 1);
    QCOMPARE(model.eventAt(0).id, e.id);
    QVERIFY(model.data(model.index(0, 0), EventListModel::InProgressRole).toBool());

    // Another camera's event does not pass the filter.
    Event other = e;
    other.id = QStringLiteral("live-back-1");
    other.camera = QStringLiteral("back");
    model.applyEventChange(QStringLiteral("new"), toJson(other, false));
    QCOMPARE(model.rowCount(), before + 1);
    QCOMPARE(model.rowOf(other.id), -1);

    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    e.topScore = 0.93;
    e.zones = {QStringLiteral("porch")};
    model.applyEventChange(QStringLiteral("update"), toJson(e, false));
    QCOMPARE(changed.size(), 1);
    QCOMPARE(model.data(model.index(0, EventListModel::Score)).toString(), QStringLiteral("93%"));
    QCOMPARE(model.data(model.index(0, EventListModel::Zones)).toString(), QStringLiteral("porch"));

    e.endTime = e.startTime + 75;
    model.applyEventChange(QStringLiteral("end"), toJson(e, false));
    QVERIFY(!model.data(model.index(0, 0), EventListModel::InProgressRole).toBool());
    QCOMPARE(model.data(model.index(0, EventListModel::Duration)).toString(), QStringLiteral("1:15"));

    model.applyEventChange(QStringLiteral("delete"), QJsonObject{{QStringLiteral("id"), e.id}});
    QCOMPARE(model.rowCount(), before);
    QCOMPARE(model.rowOf(e.id), -1);

    // "In progress only": an event that ends leaves the list.
    f = {};
    f.inProgress = true;
    model.setFilter(f);
    Event live = e;
    live.id = QStringLiteral("live-front-2");
    live.endTime.reset();
    model.applyEventChange(QStringLiteral("new"), toJson(live, false));
    QCOMPARE(model.rowOf(live.id), 0);
    live.endTime = live.startTime + 2;
    model.applyEventChange(QStringLiteral("end"), toJson(live, false));
    QCOMPARE(model.rowOf(live.id), -1);
}

void TestEventsPanel::liveNewWhilePagingHasNoDuplicates()
{
    EventListModel model;
    model.setEventsFolder(m_dir);
    model.fetchMore();
    // Events written and announced after the first pages: at the top, and never again below.
    QList<Event> added;
    for (int i = 0; i < 3; ++i) {
        Event e;
        e.id = QStringLiteral("late-%1").arg(i);
        e.camera = QStringLiteral("front");
        e.cameraName = QStringLiteral("FRONT");
        e.label = QStringLiteral("car");
        e.startTime = nowS() + 100 + i;
        e.endTime = e.startTime + 1;
        QVERIFY(add(e));
        model.applyEventChange(QStringLiteral("new"), toJson(e, false));
        added << e;
    }
    // One older than everything loaded so far: it comes with its page, not at the top.
    Event old;
    old.id = QStringLiteral("late-old");
    old.camera = QStringLiteral("side");
    old.cameraName = QStringLiteral("SIDE");
    old.label = QStringLiteral("dog");
    old.startTime = m_stored.first().event.startTime - 86400 * 10;
    old.endTime = old.startTime + 1;
    QVERIFY(add(old));
    model.applyEventChange(QStringLiteral("new"), toJson(old, false));
    QCOMPARE(model.rowOf(old.id), -1);
    QCOMPARE(model.eventAt(0).id, QStringLiteral("late-2"));

    const QStringList rows = allRows(model);
    QCOMPARE(rows, idsOf(expected([](const Event&) { return true; })));
    QCOMPARE(QSet<QString>(rows.begin(), rows.end()).size(), rows.size());
    for (const Event& e : std::as_const(added)) {
        QVERIFY(m_writer->remove(e.id));
        m_stored.removeIf([&](const Stored& s) { return s.event.id == e.id; });
    }
    QVERIFY(m_writer->remove(old.id));
    m_stored.removeIf([&](const Stored& s) { return s.event.id == old.id; });
}

void TestEventsPanel::thumbnailsArriveWithoutBlocking()
{
    const QList<Stored> newest = expected([](const Event&) { return true; }).mid(0, 3);
    const QList<QColor> colours{Qt::red, Qt::green, Qt::blue};
    for (int i = 0; i < 3; ++i)
        QVERIFY(m_writer->writeSnapshot(newest[i].event.id, SnapshotKind::Thumbnail, jpegOf(colours[i])));

    EventListModel model;
    model.setEventsFolder(m_dir);
    QSignalSpy ready(model.thumbnails(), &ThumbnailLoader::thumbnailReady);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    // The first ask returns at once, without a picture: loading is not done on this thread.
    for (int r = 0; r < 5; ++r)
        QVERIFY(!model.data(model.index(r, EventListModel::Thumbnail), Qt::DecorationRole).isValid());
    QTRY_COMPARE(ready.size(), 3);
    QTRY_COMPARE(model.thumbnails()->pendingCount(), 0);
    QVERIFY(changed.size() >= 3);
    for (int r = 0; r < 3; ++r) {
        const QVariant v = model.data(model.index(r, EventListModel::Thumbnail), Qt::DecorationRole);
        QVERIFY(v.canConvert<QImage>());
        const QImage image = v.value<QImage>();
        QCOMPARE(image.size(), QSize(64, 36));  // 16:9 fits the thumbnail size exactly
        QVERIFY(near(image.pixelColor(32, 18), colours[r]));
    }
    // Rows without a file stay empty, and were looked for once each: only the rows asked about.
    QVERIFY(!model.data(model.index(3, EventListModel::Thumbnail), Qt::DecorationRole).isValid());
    QCOMPARE(model.thumbnails()->loadsCompleted(), quint64(5));
    QCOMPARE(model.thumbnails()->pendingCount(), 0);
    // Asking again for a loaded one reads nothing.
    model.data(model.index(0, EventListModel::Thumbnail), Qt::DecorationRole);
    QCOMPARE(model.thumbnails()->pendingCount(), 0);
}

void TestEventsPanel::detailsShowSnapshotAndBox()
{
    const Event e = expected([](const Event& x) { return !x.inProgress(); }).at(20).event;
    QVERIFY(m_writer->writeSnapshot(e.id, SnapshotKind::Clean, jpegOf(Qt::red, {320, 240})));
    QVERIFY(m_writer->writeSnapshot(e.id, SnapshotKind::BoundingBox, jpegOf(Qt::green, {320, 240})));

    EventsPanel panel;
    panel.setEventsFolder(m_dir);
    panel.resize(1000, 600);
    panel.show();
    QSignalSpy selected(&panel, &EventsPanel::eventSelected);
    QVERIFY(panel.selectEvent(e.id));
    QCOMPARE(selected.size(), 1);
    QCOMPARE(selected.first().first().toString(), e.id);
    EventDetails* d = panel.details();
    QCOMPARE(d->event().id, e.id);
    QCOMPARE(d->fieldText(QStringLiteral("id")), e.id);
    QCOMPARE(d->fieldText(QStringLiteral("label")), e.label);
    QCOMPARE(d->fieldText(QStringLiteral("start")), EventListModel::formatLocalTime(e.startTime));
    QCOMPARE(d->fieldText(QStringLiteral("duration")), EventListModel::formatDuration(*e.endTime - e.startTime));
    QVERIFY(d->showsBox());
    QVERIFY(near(d->picture().pixelColor(160, 120), Qt::green));
    d->boxToggle()->setChecked(false);
    QVERIFY(near(d->picture().pixelColor(160, 120), Qt::red));
    QVERIFY(!d->playButton()->isEnabled());  // no clip

    // Without the boxed file, the stored box is drawn on the clean picture.
    QFile::remove(EventStore::snapshotPathIn(m_dir, e.id, SnapshotKind::BoundingBox));
    d->boxToggle()->setChecked(true);
    QVERIFY(!d->picture().isNull());
    QVERIFY(!near(d->picture().pixelColor(int(e.box.left()), int(e.box.center().y())), Qt::red, 20));
    QVERIFY(near(d->picture().pixelColor(160, 5), Qt::red));
}

void TestEventsPanel::detailsPlaceholderWithoutSnapshot()
{
    const Event e = expected([](const Event& x) { return !x.inProgress(); }).at(30).event;
    EventDetails d;
    d.setEventsFolder(m_dir);
    d.setEvent(e);
    QVERIFY(d.picture().isNull());
    QVERIFY(d.placeholderText().contains(QStringLiteral("No snapshot")));
}

void TestEventsPanel::exportWritesFilesAndJson()
{
    const Event e = expected([](const Event& x) { return !x.inProgress(); }).at(40).event;
    QVERIFY(m_writer->writeSnapshot(e.id, SnapshotKind::Clean, jpegOf(Qt::red)));
    QVERIFY(m_writer->writeSnapshot(e.id, SnapshotKind::BoundingBox, jpegOf(Qt::green)));
    const QByteArray clip("not really a matroska file, but bytes to copy");
    {
        QFile part(m_writer->clipPartPath(e.id));
        QVERIFY(part.open(QIODevice::WriteOnly));
        part.write(clip);
    }
    QVERIFY(m_writer->attachClip(e.id, m_writer->clipPartPath(e.id)));

    EventsPanel panel;
    panel.setEventsFolder(m_dir);
    QVERIFY(panel.selectEvent(e.id));
    EventDetails* d = panel.details();
    QVERIFY(d->event().hasClip);
    QVERIFY(d->playButton()->isEnabled());
    QSignalSpy play(&panel, &EventsPanel::playClipRequested);
    d->playButton()->click();
    QCOMPARE(play.size(), 1);
    QCOMPARE(play.first().first().toString(), e.id);

    QTemporaryDir out;
    const QString target = out.path() + QStringLiteral("/export");
    QSignalSpy done(d, &EventDetails::exportFinished);
    d->exportTo(target);
    QTRY_COMPARE(done.size(), 1);
    QVERIFY2(done.first().at(0).toBool(), qPrintable(done.first().at(1).toString()));
    QVERIFY(d->statusText().contains(QStringLiteral("Exported 4")));
    QDir dir(target);
    QCOMPARE(QFile(dir.filePath(e.id + QStringLiteral(".mkv"))).size(), qint64(clip.size()));
    QVERIFY(near(QImage(dir.filePath(e.id + QStringLiteral(".jpg"))).pixelColor(10, 10), Qt::red));
    QVERIFY(near(QImage(dir.filePath(e.id + QStringLiteral("-bbox.jpg"))).pixelColor(10, 10), Qt::green));
    QFile json(dir.filePath(e.id + QStringLiteral(".json")));
    QVERIFY(json.open(QIODevice::ReadOnly));
    const QJsonObject o = QJsonDocument::fromJson(json.readAll()).object();
    QCOMPARE(o.value(QStringLiteral("id")).toString(), e.id);
    QCOMPARE(o.value(QStringLiteral("camera")).toString(), e.camera);
    QCOMPARE(o.value(QStringLiteral("has_clip")).toBool(), true);
    QCOMPARE(o.value(QStringLiteral("track")).toArray().size(), 2);
    QCOMPARE(o.value(QStringLiteral("start_time")).toDouble(), e.startTime);
    QVERIFY(dir.entryList(QDir::Files).filter(QStringLiteral(".part")).isEmpty());

    // A folder that cannot be made: the failure is reported, nothing crashes.
    done.clear();
    QFile blocker(out.path() + QStringLiteral("/file"));
    QVERIFY(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    d->exportTo(out.path() + QStringLiteral("/file/sub"));
    QTRY_COMPARE(done.size(), 1);
    QVERIFY(!done.first().at(0).toBool());
    QVERIFY(d->statusText().startsWith(QStringLiteral("Export failed")));
}

void TestEventsPanel::copyLinkHasNoToken()
{
    const Event e = expected([](const Event&) { return true; }).at(2).event;
    EventDetails d;
    d.setEventsFolder(m_dir);
    d.setEvent(e);
    QVERIFY(!d.linkButton()->isEnabled());  // server off
    QVERIFY(d.linkButton()->toolTip().contains(QStringLiteral("off")));

    d.setApiBase(QUrl(QStringLiteral("http://user:secret@192.168.1.5:8080/vigil/?token=abc123")));
    QVERIFY(d.linkButton()->isEnabled());
    QGuiApplication::clipboard()->clear();
    d.linkButton()->click();
    const QString text = QGuiApplication::clipboard()->text();
    QCOMPARE(text, QStringLiteral("http://192.168.1.5:8080/vigil/api/events/") + e.id);
    QVERIFY(!text.contains(QStringLiteral("abc123")) && !text.contains(QStringLiteral("secret")));

    d.setApiBase(QUrl(QStringLiteral("http://127.0.0.1:8080")));
    d.copyApiLink();
    QCOMPARE(QGuiApplication::clipboard()->text(), QStringLiteral("http://127.0.0.1:8080/api/events/") + e.id);
}

void TestEventsPanel::deleteConfirmsAndReportsFailure()
{
    EventsPanel panel;
    panel.setEventsFolder(m_dir);
    panel.show();
    const QString id = panel.model()->eventAt(3).id;
    QVERIFY(panel.selectEvent(id));
    EventDetails* d = panel.details();
    QVERIFY(!d->deleteButton()->isEnabled());  // no service: recording is off

    QStringList asked;
    QString answer = QStringLiteral("the events store is busy; try again");
    d->setRemover([&asked, &answer](const QString& which) {
        asked << which;  // the test thread waits in QTRY for the result: no concurrent access
        return answer;
    });
    QVERIFY(d->deleteButton()->isEnabled());
    QSignalSpy finished(d, &EventDetails::deleteFinished);
    acceptNextMessageBox();
    d->deleteButton()->click();
    QTRY_COMPARE(finished.size(), 1);
    QCOMPARE(asked, QStringList{id});
    QVERIFY(d->statusText().contains(QStringLiteral("busy")));
    QCOMPARE(panel.model()->rowOf(id), 3);  // still listed

    answer.clear();
    acceptNextMessageBox();
    d->deleteButton()->click();
    QTRY_COMPARE(finished.size(), 2);
    QVERIFY(finished.last().at(1).toBool());
    QCOMPARE(panel.model()->rowOf(id), -1);
    QVERIFY(d->statusText().contains(QStringLiteral("Deleted")));
    QVERIFY(d->event().id != id);  // the next event is shown
}

void TestEventsPanel::panelSelectsAndPagesToEvent()
{
    EventsPanel panel;
    panel.setEventsFolder(m_dir);
    panel.setCameras({{QStringLiteral("front"), QStringLiteral("Front door")}});
    panel.show();
    // Choices come from the store plus the configured cameras; names from the configuration.
    QComboBox* cameras = panel.filterBar()->cameraBox();
    QVERIFY(cameras->findData(QStringLiteral("edge")) > 0);
    QCOMPARE(cameras->itemText(cameras->findData(QStringLiteral("front"))), QStringLiteral("Front door"));
    QVERIFY(panel.filterBar()->zoneBox()->findData(QStringLiteral("porch")) > 0);

    // An event on the sixth page: the list pages to it and selects it.
    const QList<Stored> all = expected([](const Event&) { return true; });
    const QString far = all.at(1100).event.id;
    QVERIFY(panel.selectEvent(far));
    QCOMPARE(panel.selectedEventId(), far);
    QCOMPARE(panel.view()->currentIndex().row(), 1100);
    QVERIFY(panel.model()->rowsFetched() <= 1200 + EventListModel::kPageSize);

    // The filter changes: the selection stays when the event is still listed.
    const QString camera = all.at(1100).event.camera;
    panel.filterBar()->setCamera(camera);
    QCOMPARE(panel.model()->filter().camera, camera);
    QCOMPARE(panel.selectedEventId(), far);

    // Hidden by the filter: shown in the details only.
    const QString hidden = std::find_if(all.begin(), all.end(), [&](const Stored& s) { return s.event.camera != camera; })->event.id;
    QVERIFY(panel.selectEvent(hidden));
    QCOMPARE(panel.details()->event().id, hidden);
    QVERIFY(!panel.view()->currentIndex().isValid());
    QVERIFY(!panel.selectEvent(QStringLiteral("no-such-event")));
}

QTEST_MAIN(TestEventsPanel)
#include "tst_events_panel.moc"
