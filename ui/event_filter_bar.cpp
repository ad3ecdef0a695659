#include "event_filter_bar.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>

#include <cmath>
#include <limits>

namespace vigil {

namespace {

double nowS()
{
    return double(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
}

// The store's `after` is exclusive: the largest double below t makes it "at or after t".
double atOrAfter(double t)
{
    return std::nextafter(t, -std::numeric_limits<double>::infinity());
}

// "Any …" names what the box filters, without a label beside it.
QComboBox* makeCombo(const QString& name, const QString& any, const QString& tip, QWidget* parent)
{
    auto* box = new QComboBox(parent);
    box->setObjectName(name);
    box->setToolTip(tip);
    box->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    box->addItem(any, QString());
    return box;
}

} // namespace

EventFilterBar::EventFilterBar(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("eventFilterBar"));
    m_camera = makeCombo(QStringLiteral("eventCameraFilter"), tr("Any camera"), tr("Camera"), this);
    m_label = makeCombo(QStringLiteral("eventLabelFilter"), tr("Any label"), tr("Label"), this);
    m_zone = makeCombo(QStringLiteral("eventZoneFilter"), tr("Any zone"), tr("Zone the object entered"), this);
    m_time = new QComboBox(this);
    m_time->setObjectName(QStringLiteral("eventTimeFilter"));
    m_time->addItem(tr("Any time"), int(TimeRange::Any));
    m_time->addItem(tr("Today"), int(TimeRange::Today));
    m_time->addItem(tr("Last 24 h"), int(TimeRange::Last24h));
    m_time->addItem(tr("Custom…"), int(TimeRange::Custom));

    m_custom = new QWidget(this);
    const QDateTime now = QDateTime::currentDateTime();
    m_from = new QDateTimeEdit(now.addDays(-1), m_custom);
    m_to = new QDateTimeEdit(now, m_custom);
    for (QDateTimeEdit* edit : {m_from, m_to}) {
        edit->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm"));
        edit->setCalendarPopup(true);
    }
    m_from->setObjectName(QStringLiteral("eventFromTime"));
    m_to->setObjectName(QStringLiteral("eventToTime"));
    m_zoneNote = new QLabel(zoneNote(now), m_custom);
    m_zoneNote->setObjectName(QStringLiteral("eventTimeZoneNote"));
    auto* customRow = new QHBoxLayout(m_custom);
    customRow->setContentsMargins(0, 0, 0, 0);
    customRow->addWidget(m_from);
    customRow->addWidget(new QLabel(QStringLiteral("–"), m_custom));
    customRow->addWidget(m_to);
    customRow->addWidget(m_zoneNote);

    m_inProgress = new QCheckBox(tr("In progress only"), this);
    m_inProgress->setObjectName(QStringLiteral("eventInProgressFilter"));

    auto* row = new QHBoxLayout(this);
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(m_camera);
    row->addWidget(m_label);
    row->addWidget(m_zone);
    row->addWidget(m_time);
    row->addWidget(m_custom);
    row->addWidget(m_inProgress);
    row->addStretch(1);

    for (QComboBox* box : {m_camera, m_label, m_zone})
        connect(box, &QComboBox::currentIndexChanged, this, &EventFilterBar::changed);
    connect(m_time, &QComboBox::currentIndexChanged, this, [this] {
        updateCustomVisibility();
        armMidnight();
        changed();
    });
    connect(m_from, &QDateTimeEdit::dateTimeChanged, this, &EventFilterBar::changed);
    connect(m_to, &QDateTimeEdit::dateTimeChanged, this, &EventFilterBar::changed);
    connect(m_inProgress, &QCheckBox::toggled, this, &EventFilterBar::changed);
    m_midnight.setSingleShot(true);
    connect(&m_midnight, &QTimer::timeout, this, [this] {
        armMidnight();
        changed();
    });
    updateCustomVisibility();
}

QString EventFilterBar::zoneNote(const QDateTime& at)
{
    const QDateTime local = at.toLocalTime();
    const int offset = local.offsetFromUtc();
    const int a = std::abs(offset);
    const QString utc = QStringLiteral("UTC%1%2:%3").arg(offset < 0 ? u'-' : u'+')
                            .arg(a / 3600, 2, 10, QChar(u'0')).arg((a / 60) % 60, 2, 10, QChar(u'0'));
    return tr("Times in %1 (%2)").arg(local.timeZoneAbbreviation(), utc);
}

double EventFilterBar::localMidnight(double now)
{
    const QDateTime local = QDateTime::fromMSecsSinceEpoch(qint64(std::floor(now * 1000.0)));
    // QDate::startOfDay handles days that do not start at 00:00 (a DST change at midnight).
    return double(local.date().startOfDay().toMSecsSinceEpoch()) / 1000.0;
}

void EventFilterBar::updateCustomVisibility()
{
    const bool custom = TimeRange(m_time->currentData().toInt()) == TimeRange::Custom;
    m_custom->setVisible(custom);
    if (custom)
        m_zoneNote->setText(zoneNote(QDateTime::currentDateTime()));
}

void EventFilterBar::armMidnight()
{
    if (TimeRange(m_time->currentData().toInt()) != TimeRange::Today) {
        m_midnight.stop();
        return;
    }
    const double now = nowS();
    const double next = double(QDateTime::fromMSecsSinceEpoch(qint64(now * 1000.0)).date().addDays(1).startOfDay()
                                   .toMSecsSinceEpoch()) / 1000.0;
    m_midnight.start(int(std::clamp((next - now) * 1000.0 + 500.0, 1000.0, 86'400'000.0)));
}

EventQuery EventFilterBar::query() const
{
    return query(nowS());
}

EventQuery EventFilterBar::query(double now) const
{
    EventQuery q;
    q.camera = m_camera->currentData().toString();
    q.label = m_label->currentData().toString();
    q.zone = m_zone->currentData().toString();
    switch (TimeRange(m_time->currentData().toInt())) {
    case TimeRange::Any:
        break;
    case TimeRange::Today:
        q.after = atOrAfter(localMidnight(now));
        break;
    case TimeRange::Last24h:
        q.after = now - 86400.0;
        break;
    case TimeRange::Custom: {
        // Whole minutes as shown; "to" includes its minute.
        const double from = double(m_from->dateTime().toMSecsSinceEpoch() / 60000 * 60000) / 1000.0;
        const double to = double(m_to->dateTime().toMSecsSinceEpoch() / 60000 * 60000) / 1000.0 + 60.0;
        q.after = atOrAfter(from);
        q.before = to;
        break;
    }
    }
    if (m_inProgress->isChecked())
        q.inProgress = true;
    return q;
}

void EventFilterBar::changed()
{
    emit filterChanged(query());
}

void EventFilterBar::addItem(QComboBox* box, const QString& value, const QString& text)
{
    if (value.isEmpty() || box->findData(value) >= 0)
        return;
    // Sorted by text after "Any".
    int at = 1;
    while (at < box->count() && QString::localeAwareCompare(box->itemText(at), text) < 0)
        ++at;
    const QSignalBlocker block(box);
    box->insertItem(at, text, value);
}

void EventFilterBar::fill(QComboBox* box, const QList<QPair<QString, QString>>& items)
{
    const QString current = box->currentData().toString();
    {
        const QSignalBlocker block(box);
        while (box->count() > 1)
            box->removeItem(1);
        for (const auto& [value, text] : items)
            addItem(box, value, text.isEmpty() ? value : text);
        const int keep = box->findData(current);
        if (keep >= 0) {
            box->setCurrentIndex(keep);
        } else if (!current.isEmpty()) {
            // A choice that no event has any more stays offered: the filter must not change silently.
            addItem(box, current, current);
            box->setCurrentIndex(box->findData(current));
        }
    }
}

void EventFilterBar::setCameras(const QList<QPair<QString, QString>>& cameras)
{
    fill(m_camera, cameras);
}

void EventFilterBar::setLabels(const QStringList& labels)
{
    QList<QPair<QString, QString>> items;
    for (const QString& l : labels)
        items.append({l, l});
    fill(m_label, items);
}

void EventFilterBar::setZones(const QStringList& zones)
{
    QList<QPair<QString, QString>> items;
    for (const QString& z : zones)
        items.append({z, z});
    fill(m_zone, items);
}

void EventFilterBar::addCamera(const QString& id, const QString& name)
{
    addItem(m_camera, id, name.isEmpty() ? id : name);
}

void EventFilterBar::addLabel(const QString& label)
{
    addItem(m_label, label, label);
}

void EventFilterBar::addZone(const QString& zone)
{
    addItem(m_zone, zone, zone);
}

void EventFilterBar::setCamera(const QString& id)
{
    addCamera(id, id);
    m_camera->setCurrentIndex(std::max(0, m_camera->findData(id)));
}

void EventFilterBar::setLabel(const QString& label)
{
    addLabel(label);
    m_label->setCurrentIndex(std::max(0, m_label->findData(label)));
}

void EventFilterBar::setZone(const QString& zone)
{
    addZone(zone);
    m_zone->setCurrentIndex(std::max(0, m_zone->findData(zone)));
}

void EventFilterBar::setTimeRange(TimeRange range)
{
    m_time->setCurrentIndex(std::max(0, m_time->findData(int(range))));
}

void EventFilterBar::setCustomRange(const QDateTime& from, const QDateTime& to)
{
    {
        const QSignalBlocker a(m_from), b(m_to);
        m_from->setDateTime(from.toLocalTime());
        m_to->setDateTime(to.toLocalTime());
    }
    if (TimeRange(m_time->currentData().toInt()) == TimeRange::Custom)
        changed();
}

void EventFilterBar::setInProgressOnly(bool on)
{
    m_inProgress->setChecked(on);
}

} // namespace vigil
