#include "event_list_model.h"

#include <QDateTime>
#include <QJsonArray>
#include <QSize>

#include <algorithm>

#include "theme.h"
#include "thumbnail_loader.h"

namespace vigil {

namespace {

double nowS()
{
    return double(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
}

} // namespace

EventListModel::EventListModel(QObject* parent) : QAbstractTableModel(parent), m_thumbs(new ThumbnailLoader(this))
{
    connect(m_thumbs, &ThumbnailLoader::thumbnailReady, this, &EventListModel::onThumbnail);
    m_ticker.setInterval(1000);
    connect(&m_ticker, &QTimer::timeout, this, &EventListModel::tickDurations);
}

EventListModel::~EventListModel() = default;

void EventListModel::setEventsFolder(const QString& dir)
{
    m_dir = dir;
    m_store = dir.isEmpty() ? nullptr : EventStore::openReadOnly(dir);
    m_thumbs->setFolder(dir);
    resetRows();
}

void EventListModel::setFilter(const EventQuery& filter)
{
    m_filter = filter;
    m_filter.beforeKey.reset();
    m_filter.withTrack = false;
    resetRows();
}

void EventListModel::setCameraNames(const QHash<QString, QString>& names)
{
    m_cameraNames = names;
    if (!m_rows.empty())
        emit dataChanged(index(0, Camera), index(rowCount() - 1, Camera), {Qt::DisplayRole});
}

void EventListModel::reload()
{
    resetRows();
}

void EventListModel::resetRows()
{
    beginResetModel();
    m_rows.clear();
    m_ids.clear();
    m_cursor.reset();
    m_atEnd = !m_store;
    m_error.clear();
    // The first page inside the reset: views (and a selection to restore) see rows at once.
    appendPage(false);
    endResetModel();
    updateTicker();
}

void EventListModel::appendPage(bool announce)
{
    if (m_atEnd || !m_store)
        return;
    EventQuery q = m_filter;
    q.limit = kPageSize;
    q.beforeKey = m_cursor;
    QList<EventKey> keys;
    QString error;
    const QList<Event> page = m_store->queryPage(q, &keys, &error);
    ++m_queries;
    if (!error.isEmpty()) {
        // Stop paging (fetchMore would fail again at every scroll); reload() tries again.
        m_atEnd = true;
        m_error = error;
        emit queryFailed(error);
        return;
    }
    m_rowsFetched += page.size();
    m_atEnd = page.size() < kPageSize;
    if (!keys.isEmpty())
        m_cursor = keys.last();
    QList<Event> fresh;
    fresh.reserve(page.size());
    for (const Event& e : page)
        if (!m_ids.contains(e.id))  // already inserted by a live change
            fresh.append(e);
    if (fresh.isEmpty())
        return;
    const int first = int(m_rows.size());
    if (announce)
        beginInsertRows({}, first, first + int(fresh.size()) - 1);
    for (const Event& e : fresh) {
        m_ids.insert(e.id);
        m_rows.push_back(e);
    }
    if (announce)
        endInsertRows();
}

int EventListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int EventListModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

bool EventListModel::canFetchMore(const QModelIndex& parent) const
{
    return !parent.isValid() && !m_atEnd;
}

void EventListModel::fetchMore(const QModelIndex& parent)
{
    if (!parent.isValid()) {
        appendPage(true);
        updateTicker();
    }
}

QString EventListModel::cameraName(const Event& e) const
{
    const QString configured = m_cameraNames.value(e.camera);
    if (!configured.isEmpty())
        return configured;
    return e.cameraName.isEmpty() ? e.camera : e.cameraName;
}

QString EventListModel::formatDuration(double seconds)
{
    const qint64 s = std::max<qint64>(0, qint64(seconds));
    if (s < 60)
        return QStringLiteral("%1 s").arg(s);
    if (s < 3600)
        return QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QChar(u'0'));
    return QStringLiteral("%1:%2:%3").arg(s / 3600).arg((s / 60) % 60, 2, 10, QChar(u'0')).arg(s % 60, 2, 10, QChar(u'0'));
}

QString EventListModel::formatLocalTime(double epochS)
{
    return QDateTime::fromMSecsSinceEpoch(qint64(epochS * 1000.0)).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

QVariant EventListModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= int(m_rows.size()))
        return {};
    const Event& e = m_rows[size_t(index.row())];
    switch (role) {
    case EventIdRole:
        return e.id;
    case InProgressRole:
        return e.inProgress();
    case StartTimeRole:
        return e.startTime;
    case CameraIdRole:
        return e.camera;
    case HasClipRole:
        return e.hasClip;
    default:
        break;
    }
    const int column = index.column();
    if (role == Qt::DisplayRole) {
        switch (column) {
        case Camera: return cameraName(e);
        case Label: return e.label;
        case Zones: return e.zones.join(QStringLiteral(", "));
        case Start: return formatLocalTime(e.startTime);
        case Duration: {
            const QString d = formatDuration(e.endTime.value_or(nowS()) - e.startTime);
            return e.inProgress() ? QStringLiteral("● ") + d : d;
        }
        case Score: return QStringLiteral("%1%").arg(qRound(e.topScore * 100));
        default: return {};
        }
    }
    if (role == Qt::DecorationRole && column == Thumbnail) {
        // Asks the loader only for rows being painted; it answers later through onThumbnail().
        const QImage image = m_thumbs->thumbnail(e.id);
        return image.isNull() ? QVariant() : QVariant(image);
    }
    if (role == Qt::SizeHintRole && column == Thumbnail)
        return m_thumbs->thumbnailSize() + QSize(8, 4);
    if (role == Qt::ForegroundRole && column == Duration && e.inProgress())
        return theme::accent();
    if (role == Qt::TextAlignmentRole && (column == Duration || column == Score))
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole) {
        if (column == Duration && e.inProgress())
            return tr("In progress");
        if (column == Start) {
            const QDateTime t = QDateTime::fromMSecsSinceEpoch(qint64(e.startTime * 1000.0));
            return t.toString(QStringLiteral("dddd yyyy-MM-dd HH:mm:ss.zzz ")) + t.timeZoneAbbreviation();
        }
        if (column == Camera)
            return e.camera;
    }
    return {};
}

QVariant EventListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Thumbnail: return QString();
    case Camera: return tr("Camera");
    case Label: return tr("Label");
    case Zones: return tr("Zones");
    case Start: return tr("Start");
    case Duration: return tr("Duration");
    case Score: return tr("Score");
    default: return {};
    }
}

Event EventListModel::eventAt(int row) const
{
    return row >= 0 && row < int(m_rows.size()) ? m_rows[size_t(row)] : Event();
}

int EventListModel::rowOf(const QString& id) const
{
    if (!m_ids.contains(id))
        return -1;
    for (size_t i = 0; i < m_rows.size(); ++i)
        if (m_rows[i].id == id)
            return int(i);
    return -1;
}

int EventListModel::fetchUntil(const QString& id, int maxRows)
{
    const qint64 limit = m_rowsFetched + maxRows;
    int row = rowOf(id);
    while (row < 0 && canFetchMore() && m_rowsFetched < limit) {
        fetchMore();
        row = rowOf(id);
    }
    return row;
}

bool EventListModel::matches(const Event& e) const
{
    const EventQuery& f = m_filter;
    return (f.camera.isEmpty() || e.camera == f.camera) && (f.label.isEmpty() || e.label == f.label)
        && (f.zone.isEmpty() || e.zones.contains(f.zone)) && (!f.after || e.startTime > *f.after)
        && (!f.before || e.startTime < *f.before) && (!f.inProgress || e.inProgress() == *f.inProgress);
}

Event EventListModel::eventFromJson(const QJsonObject& o)
{
    Event e;
    e.id = o.value(QLatin1String("id")).toString();
    e.camera = o.value(QLatin1String("camera")).toString();
    e.cameraName = o.value(QLatin1String("camera_name")).toString();
    e.label = o.value(QLatin1String("label")).toString();
    e.startTime = o.value(QLatin1String("start_time")).toDouble();
    const QJsonValue end = o.value(QLatin1String("end_time"));
    if (end.isDouble())
        e.endTime = end.toDouble();
    e.topScore = o.value(QLatin1String("top_score")).toDouble();
    for (const QJsonValue& z : o.value(QLatin1String("zones")).toArray())
        e.zones << z.toString();
    const QJsonArray box = o.value(QLatin1String("box")).toArray();
    if (box.size() == 4)
        e.box = QRectF(box[0].toDouble(), box[1].toDouble(), box[2].toDouble(), box[3].toDouble());
    e.hasSnapshot = o.value(QLatin1String("has_snapshot")).toBool();
    e.hasClip = o.value(QLatin1String("has_clip")).toBool();
    return e;
}

void EventListModel::insertLive(const Event& e)
{
    // Rows older than the cursor come with a later page; a row at or after it would be missed.
    if (!m_atEnd && m_cursor && e.startTime < m_cursor->startTime)
        return;
    // Newest first; among equal start times the latest inserted goes first (as the store orders).
    const auto at = std::partition_point(m_rows.begin(), m_rows.end(),
                                         [&](const Event& r) { return r.startTime > e.startTime; });
    const int row = int(at - m_rows.begin());
    beginInsertRows({}, row, row);
    m_rows.insert(at, e);
    m_ids.insert(e.id);
    endInsertRows();
}

void EventListModel::applyEventChange(const QString& kind, const QJsonObject& json)
{
    const QString id = json.value(QLatin1String("id")).toString();
    if (id.isEmpty())
        return;
    const int row = rowOf(id);
    if (kind == QLatin1String("delete")) {
        if (row >= 0) {
            beginRemoveRows({}, row, row);
            m_rows.erase(m_rows.begin() + row);
            m_ids.remove(id);
            endRemoveRows();
        }
        m_thumbs->invalidate(id);
    } else {
        const Event e = eventFromJson(json);
        if (row >= 0 && matches(e)) {
            m_rows[size_t(row)] = e;
            m_thumbs->invalidate(id);  // a better snapshot may have been written
            emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
        } else if (row >= 0) {
            // It no longer passes the filter (e.g. ended while "in progress only").
            beginRemoveRows({}, row, row);
            m_rows.erase(m_rows.begin() + row);
            m_ids.remove(id);
            endRemoveRows();
        } else if (matches(e)) {
            insertLive(e);
        }
    }
    updateTicker();
}

void EventListModel::onThumbnail(const QString& id)
{
    const int row = rowOf(id);
    if (row >= 0)
        emit dataChanged(index(row, Thumbnail), index(row, Thumbnail), {Qt::DecorationRole});
}

void EventListModel::updateTicker()
{
    const bool any = std::any_of(m_rows.begin(), m_rows.end(), [](const Event& e) { return e.inProgress(); });
    if (any && !m_ticker.isActive())
        m_ticker.start();
    else if (!any)
        m_ticker.stop();
}

void EventListModel::tickDurations()
{
    int first = -1, last = -1;
    for (size_t i = 0; i < m_rows.size(); ++i)
        if (m_rows[i].inProgress()) {
            if (first < 0)
                first = int(i);
            last = int(i);
        }
    if (first >= 0)
        emit dataChanged(index(first, Duration), index(last, Duration), {Qt::DisplayRole});
}

QStringList EventListModel::distinctValues(const QString& field)
{
    return m_store ? m_store->distinctValues(field) : QStringList();
}

} // namespace vigil
