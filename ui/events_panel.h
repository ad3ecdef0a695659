#pragma once
// The events dock: filters above, the list (newest first, paged from the store) beside the
// selected event's details. Kept current by the event service's changes.
#include <QList>
#include <QPair>
#include <QPointer>
#include <QUrl>
#include <QWidget>

class QSplitter;
class QTableView;
class QLabel;

namespace vigil {

class EventDetails;
class EventFilterBar;
class EventListModel;
class EventService;

class EventsPanel : public QWidget {
    Q_OBJECT
public:
    explicit EventsPanel(QWidget* parent = nullptr);

    // The store's folder (EventService::folder()); the list reloads.
    void setEventsFolder(const QString& dir);
    // Live changes (connected queued: the service emits on its own thread) and deletion. Not
    // owned; it must outlive the panel, or be replaced by nullptr before it goes.
    void setEventService(EventService* service);
    // Configured cameras: (id, display name), for names and the camera filter.
    void setCameras(const QList<QPair<QString, QString>>& cameras);
    // The rebroadcast server's base URL for "Copy API link"; empty when the server is off.
    void setApiBase(const QUrl& base);
    // Selects the event, paging the list to it; when the filter hides it (or it is very far
    // down), shows it in the details only. False when there is no such event.
    bool selectEvent(const QString& id);
    // Re-reads the list and the filter choices.
    void refresh();

    QString selectedEventId() const;
    EventListModel* model() const { return m_model; }
    QTableView* view() const { return m_view; }
    EventFilterBar* filterBar() const { return m_filters; }
    EventDetails* details() const { return m_details; }

    static constexpr int kMaxRowsToReveal = 5000;  // selectEvent() pages at most this far

signals:
    void playClipRequested(const QString& id);
    void eventSelected(const QString& id);

private:
    void onCurrentRowChanged(int row);
    void onEventChanged(const QString& kind, const QJsonObject& event);
    void refreshChoices();
    void updateEmptyNote();

    EventListModel* m_model;
    EventFilterBar* m_filters;
    QTableView* m_view;
    EventDetails* m_details;
    QSplitter* m_split;
    QLabel* m_note;                    // why the list is empty / a read error
    QPointer<EventService> m_service;
    QList<QPair<QString, QString>> m_cameras;
    QString m_selected;                // kept across resets of the list
};

} // namespace vigil
