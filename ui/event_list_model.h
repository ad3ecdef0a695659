#pragma once
// The events list: newest first, read from the store a page at a time as the view scrolls
// (keyset paging on (start_time, seq), so pages never repeat or skip rows while new events
// arrive), kept current by the event service's changes. Owns a read-only store of the GUI thread
// and the thumbnail loader. No per-row SQL: a page is one query.
#include <QAbstractTableModel>
#include <QHash>
#include <QJsonObject>
#include <QSet>
#include <QTimer>
#include <memory>
#include <optional>
#include <vector>

#include "events/event.h"
#include "events/event_store.h"

namespace vigil {

class ThumbnailLoader;

class EventListModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Thumbnail, Camera, Label, Zones, Start, Duration, Score, ColumnCount };
    enum Role {
        EventIdRole = Qt::UserRole + 1,
        InProgressRole,   // bool
        StartTimeRole,    // double, epoch seconds
        CameraIdRole,
        HasClipRole,
    };
    static constexpr int kPageSize = 200;

    explicit EventListModel(QObject* parent = nullptr);
    ~EventListModel() override;

    // Opens a reader on the folder (lazily: no database yet = no events) and reloads.
    void setEventsFolder(const QString& dir);
    QString eventsFolder() const { return m_dir; }
    // Camera filter, label, zone, time range, in progress. Its limit and beforeKey are ignored.
    // Resets the list and reads the first page.
    void setFilter(const EventQuery& filter);
    EventQuery filter() const { return m_filter; }
    // Display names of configured cameras (others show the name stored with the event).
    void setCameraNames(const QHash<QString, QString>& names);
    // Reads again from the newest event (same filter).
    void reload();

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex& parent = {}) const override;
    void fetchMore(const QModelIndex& parent = {}) override;

    Event eventAt(int row) const;        // an empty Event for a row out of range
    int rowOf(const QString& id) const;  // -1 when not loaded
    // Pages on until the event's row is loaded, reading at most maxRows more. Its row, or -1.
    int fetchUntil(const QString& id, int maxRows);
    // Whether the event passes the filter (for live changes).
    bool matches(const Event& e) const;
    // "new" | "update" | "end" | "delete", with vigil::toJson(event, false)'s fields (delete: id).
    void applyEventChange(const QString& kind, const QJsonObject& event);

    qint64 rowsFetched() const { return m_rowsFetched; }  // rows read from the database since creation
    int queriesRun() const { return m_queries; }
    QString lastError() const { return m_error; }
    // Distinct "camera" / "label" / "zone" values over all stored events (filter choices).
    QStringList distinctValues(const QString& field);
    ThumbnailLoader* thumbnails() const { return m_thumbs; }
    EventStore* reader() const { return m_store.get(); }

    static Event eventFromJson(const QJsonObject& o);
    static QString formatDuration(double seconds);
    static QString formatLocalTime(double epochS);

signals:
    void queryFailed(const QString& error);

private:
    void resetRows();
    void appendPage(bool announce);  // announce: signal the inserted rows (not inside a reset)
    void insertLive(const Event& e);
    void onThumbnail(const QString& id);
    void tickDurations();
    void updateTicker();
    QString cameraName(const Event& e) const;

    QString m_dir;
    std::unique_ptr<EventStore> m_store;
    ThumbnailLoader* m_thumbs;
    EventQuery m_filter;
    QHash<QString, QString> m_cameraNames;
    std::vector<Event> m_rows;
    QSet<QString> m_ids;                 // ids of m_rows: a page never adds a row twice
    std::optional<EventKey> m_cursor;    // key of the last row read from the database
    bool m_atEnd = true;
    qint64 m_rowsFetched = 0;
    int m_queries = 0;
    QString m_error;
    QTimer m_ticker;                     // live durations of events in progress
};

} // namespace vigil
