#include "event_timeline.h"

#include <QDateTime>
#include <QHash>
#include <QHelpEvent>
#include <QJsonObject>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

#include <cmath>

#include "event_list_model.h"
#include "events/event_store.h"

namespace vigil {

namespace {

constexpr int kHitSlackPx = 3;
constexpr int kTickHeight = 5;

} // namespace

EventTimeline::EventTimeline(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("eventTimeline"));
    setMouseTracking(true);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    setFixedHeight(28);
    // One pixel is a few minutes: twice a minute is enough for the strip to move with time.
    m_tick.setInterval(30'000);
    connect(&m_tick, &QTimer::timeout, this, qOverload<>(&QWidget::update));
    m_tick.start();
}

EventTimeline::~EventTimeline() = default;

void EventTimeline::setEventsFolder(const QString& dir)
{
    m_dir = dir;
    m_store = dir.isEmpty() ? nullptr : EventStore::openReadOnly(dir);
    refresh();
}

void EventTimeline::setCamera(const QString& id)
{
    if (id == m_camera)
        return;
    m_camera = id;
    refresh();
}

void EventTimeline::setFixedNow(std::optional<double> epochS)
{
    m_fixedNow = epochS;
    update();
}

void EventTimeline::setSpanSeconds(double seconds)
{
    m_span = std::max(60.0, seconds);
    refresh();
}

double EventTimeline::now() const
{
    return m_fixedNow ? *m_fixedNow : double(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
}

void EventTimeline::refresh()
{
    m_items.clear();
    if (m_store && !m_camera.isEmpty()) {
        EventQuery q;
        q.camera = m_camera;
        q.after = now() - m_span;
        q.limit = kMaxEvents;
        for (const Event& e : m_store->query(q))
            m_items.append({e.id, e.label, e.startTime, e.endTime});
    }
    update();
}

void EventTimeline::upsert(const Item& item)
{
    for (Item& existing : m_items)
        if (existing.id == item.id) {
            existing = item;
            return;
        }
    const auto at = std::partition_point(m_items.begin(), m_items.end(), [&](const Item& i) { return i.start > item.start; });
    m_items.insert(at, item);
    if (m_items.size() > kMaxEvents)
        m_items.removeLast();
}

void EventTimeline::applyEventChange(const QString& kind, const QJsonObject& json)
{
    const QString id = json.value(QLatin1String("id")).toString();
    if (kind == QLatin1String("delete")) {
        m_items.removeIf([&](const Item& i) { return i.id == id; });
    } else {
        const Event e = EventListModel::eventFromJson(json);
        if (e.camera != m_camera || e.id.isEmpty())
            return;
        upsert({e.id, e.label, e.startTime, e.endTime});
    }
    update();
}

double EventTimeline::xForTime(double t) const
{
    return (t - (now() - m_span)) / m_span * double(width());
}

QList<EventTimeline::Mark> EventTimeline::marks() const
{
    QList<Mark> out;
    const double n = now();
    const int w = width();
    for (const Item& item : m_items) {  // newest first: right to left
        const double end = item.end.value_or(n);
        if (end < n - m_span || item.start > n)
            continue;
        const int x0 = std::clamp(int(std::floor(xForTime(item.start))), 0, w - 1);
        const int x1 = std::clamp(int(std::floor(xForTime(end))), x0, w - 1);
        if (!out.isEmpty() && double(x1) >= double(out.last().x0) - kMergePx) {
            Mark& m = out.last();
            m.ids << item.id;
            m.x0 = std::min(m.x0, x0);
            m.x1 = std::max(m.x1, x1);
            m.end = std::max(m.end, end);
            continue;
        }
        out.append(Mark{{item.id}, item.label, item.start, end, x0, x1});
    }
    return out;
}

std::optional<EventTimeline::Mark> EventTimeline::markAt(int x) const
{
    std::optional<Mark> best;
    int bestDistance = kHitSlackPx + 1;
    for (const Mark& m : marks()) {
        const int d = x < m.x0 ? m.x0 - x : x > m.x1 ? x - m.x1 : 0;
        if (d < bestDistance) {
            bestDistance = d;
            best = m;
        }
    }
    return best;
}

QColor EventTimeline::colourFor(const QString& label)
{
    static const QHash<QString, QColor> known{
        {QStringLiteral("person"), QColor(0xff, 0x8a, 0x3d)}, {QStringLiteral("car"), QColor(0x4d, 0xa3, 0xff)},
        {QStringLiteral("truck"), QColor(0x2f, 0x6f, 0xd0)}, {QStringLiteral("bicycle"), QColor(0x3d, 0xd6, 0xc6)},
        {QStringLiteral("motorcycle"), QColor(0x9b, 0x7b, 0xff)}, {QStringLiteral("dog"), QColor(0x8b, 0xd9, 0x4c)},
        {QStringLiteral("cat"), QColor(0xe8, 0xd4, 0x4d)}, {QStringLiteral("bird"), QColor(0xff, 0x6b, 0xb5)}};
    if (const auto it = known.constFind(label); it != known.constEnd())
        return *it;
    return QColor::fromHsv(int(qHash(label) % 360), 150, 230);  // stable per label
}

void EventTimeline::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.fillRect(rect(), palette().color(QPalette::Base));
    const int w = width(), h = height();
    const double n = now();
    const double start = n - m_span;
    // Hour ticks in local time; a label every 1, 3 or 6 hours, as room allows.
    const double pxPerHour = double(w) * 3600.0 / m_span;
    const int every = pxPerHour >= 28 ? 1 : pxPerHour * 3 >= 28 ? 3 : 6;
    QDateTime t = QDateTime::fromMSecsSinceEpoch(qint64(start * 1000.0));
    t = QDateTime(t.date(), QTime(t.time().hour(), 0));
    QFont small = font();
    small.setPointSizeF(std::max(6.0, small.pointSizeF() * 0.75));
    p.setFont(small);
    const QColor tickColour = palette().color(QPalette::PlaceholderText);
    // Marks above, the hour scale in the bottom band.
    const int band = std::min(12, h / 2);
    const int markTop = 2, markHeight = h - band - 3;
    for (; double(t.toMSecsSinceEpoch()) / 1000.0 <= n; t = t.addSecs(3600)) {
        const double ts = double(t.toMSecsSinceEpoch()) / 1000.0;
        if (ts < start)
            continue;
        const int x = int(std::floor(xForTime(ts)));
        const int hour = t.time().hour();
        p.setPen(tickColour);
        p.drawLine(x, h - (hour == 0 ? band : kTickHeight), x, h - 1);
        if (hour % every == 0)
            p.drawText(QRect(x + 2, h - band, 30, band), Qt::AlignLeft | Qt::AlignVCenter,
                       QStringLiteral("%1").arg(hour, 2, 10, QChar(u'0')));
    }
    for (const Mark& m : marks()) {
        QColor c = colourFor(m.label);
        if (m.ids.size() > 1)
            c = c.lighter(120);
        p.fillRect(QRect(m.x0, markTop, std::max(2, m.x1 - m.x0 + 1), markHeight), c);
    }
}

void EventTimeline::mouseMoveEvent(QMouseEvent* event)
{
    setCursor(markAt(int(event->position().x())) ? Qt::PointingHandCursor : Qt::ArrowCursor);
    QWidget::mouseMoveEvent(event);
}

void EventTimeline::mousePressEvent(QMouseEvent* event)
{
    if (event->button() == Qt::LeftButton)
        if (const std::optional<Mark> m = markAt(int(event->position().x()))) {
            emit eventClicked(m->ids.first());
            return;
        }
    QWidget::mousePressEvent(event);
}

void EventTimeline::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    update();
}

bool EventTimeline::event(QEvent* e)
{
    if (e->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(e);
        if (const std::optional<Mark> m = markAt(help->pos().x())) {
            const QString time = QDateTime::fromMSecsSinceEpoch(qint64(m->start * 1000.0)).toString(QStringLiteral("HH:mm:ss"));
            QString text = QStringLiteral("%1 %2").arg(m->label, time);
            if (m->ids.size() > 1)
                text += tr(" (+%n more)", nullptr, int(m->ids.size() - 1));
            QToolTip::showText(help->globalPos(), text, this);
        } else {
            QToolTip::hideText();
            e->ignore();
        }
        return true;
    }
    return QWidget::event(e);
}

} // namespace vigil
