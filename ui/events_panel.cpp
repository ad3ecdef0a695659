#include "events_panel.h"

#include <QHeaderView>
#include <QItemSelectionModel>
#include <QJsonArray>
#include <QJsonObject>
#include <QLabel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include "event_details.h"
#include "event_filter_bar.h"
#include "event_list_model.h"
#include "events/event_service.h"
#include "events/event_store.h"
#include "thumbnail_loader.h"

namespace vigil {

EventsPanel::EventsPanel(QWidget* parent)
    : QWidget(parent), m_model(new EventListModel(this)), m_filters(new EventFilterBar(this))
{
    setObjectName(QStringLiteral("eventsPanel"));
    m_view = new QTableView(this);
    m_view->setObjectName(QStringLiteral("eventsTable"));
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setShowGrid(false);
    m_view->setWordWrap(false);
    m_view->setAlternatingRowColors(true);
    m_view->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    m_view->verticalHeader()->hide();
    // Every row the same height, set once: the view never measures rows (100 000 of them).
    const QSize thumb = m_model->thumbnails()->thumbnailSize();
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->verticalHeader()->setDefaultSectionSize(thumb.height() + 4);
    m_view->setIconSize(thumb);
    QHeaderView* header = m_view->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::Interactive);  // ResizeToContents would measure on every tick
    header->setSectionResizeMode(EventListModel::Thumbnail, QHeaderView::Fixed);
    header->resizeSection(EventListModel::Thumbnail, thumb.width() + 8);
    const QFontMetrics fm(m_view->font());
    header->resizeSection(EventListModel::Camera, fm.horizontalAdvance(QStringLiteral("Front garden")) + 16);
    header->resizeSection(EventListModel::Label, fm.horizontalAdvance(QStringLiteral("motorcycle")) + 16);
    header->resizeSection(EventListModel::Zones, fm.horizontalAdvance(QStringLiteral("drive, porch")) + 16);
    header->resizeSection(EventListModel::Start, fm.horizontalAdvance(QStringLiteral("2000-00-00 00:00:00")) + 16);
    header->resizeSection(EventListModel::Duration, fm.horizontalAdvance(QStringLiteral("● 0:00:00")) + 16);
    header->setStretchLastSection(true);

    m_note = new QLabel(this);
    m_note->setObjectName(QStringLiteral("eventsNote"));
    m_note->setWordWrap(true);

    m_details = new EventDetails(this);
    auto* listSide = new QWidget(this);
    auto* listLayout = new QVBoxLayout(listSide);
    listLayout->setContentsMargins(0, 0, 0, 0);
    listLayout->addWidget(m_view, 1);
    listLayout->addWidget(m_note);
    m_split = new QSplitter(Qt::Horizontal, this);
    m_split->addWidget(listSide);
    m_split->addWidget(m_details);
    m_split->setStretchFactor(0, 3);
    m_split->setStretchFactor(1, 2);
    m_split->setSizes({640, 400});  // the list's columns fit; the picture takes the rest

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_filters);
    layout->addWidget(m_split, 1);

    connect(m_filters, &EventFilterBar::filterChanged, m_model, &EventListModel::setFilter);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) { onCurrentRowChanged(current.isValid() ? current.row() : -1); });
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        // A new filter or folder: keep the selected event when it is still listed.
        const int row = m_model->rowOf(m_selected);
        if (row >= 0)
            m_view->selectionModel()->setCurrentIndex(m_model->index(row, EventListModel::Label),
                                                      QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        updateEmptyNote();
    });
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &EventsPanel::updateEmptyNote);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &EventsPanel::updateEmptyNote);
    connect(m_model, &QAbstractItemModel::dataChanged, this, [this](const QModelIndex& from, const QModelIndex& to) {
        // Whole-row changes come from the service; the per-second duration ticks are left alone.
        const int row = m_model->rowOf(m_selected);
        if (row >= from.row() && row <= to.row() && from.column() == 0 && to.column() == EventListModel::ColumnCount - 1)
            m_details->updateEvent(m_model->eventAt(row));
    });
    connect(m_model, &EventListModel::queryFailed, this, [this] { updateEmptyNote(); });
    connect(m_details, &EventDetails::playClipRequested, this, &EventsPanel::playClipRequested);
    connect(m_details, &EventDetails::deleteFinished, this, [this](const QString& id, bool ok) {
        if (ok)  // the service says so too; removing twice is harmless and this one is immediate
            m_model->applyEventChange(QStringLiteral("delete"), QJsonObject{{QStringLiteral("id"), id}});
    });
    updateEmptyNote();
}

void EventsPanel::setEventsFolder(const QString& dir)
{
    m_details->setEventsFolder(dir);
    m_model->setEventsFolder(dir);
    refreshChoices();
}

void EventsPanel::setEventService(EventService* service)
{
    if (m_service)
        disconnect(m_service, nullptr, this, nullptr);
    m_service = service;
    if (!service) {
        m_details->setRemover({});
        return;
    }
    connect(service, &EventService::eventChanged, this, &EventsPanel::onEventChanged, Qt::QueuedConnection);
    // removeEvent() waits for the events thread: EventDetails calls this on a worker thread.
    m_details->setRemover([service](const QString& id) {
        QString error;
        return service->removeEvent(id, &error) ? QString() : (error.isEmpty() ? tr("unknown error") : error);
    });
}

void EventsPanel::setCameras(const QList<QPair<QString, QString>>& cameras)
{
    m_cameras = cameras;
    QHash<QString, QString> names;
    for (const auto& [id, name] : cameras)
        names.insert(id, name);
    m_model->setCameraNames(names);
    refreshChoices();
}

void EventsPanel::setApiBase(const QUrl& base)
{
    m_details->setApiBase(base);
}

void EventsPanel::refresh()
{
    refreshChoices();
    m_model->reload();
}

void EventsPanel::refreshChoices()
{
    QList<QPair<QString, QString>> cameras = m_cameras;
    for (const QString& id : m_model->distinctValues(QStringLiteral("camera"))) {
        const bool known = std::any_of(cameras.begin(), cameras.end(), [&](const auto& c) { return c.first == id; });
        if (!known)
            cameras.append({id, id});  // a removed camera: its events are still there
    }
    m_filters->setCameras(cameras);
    m_filters->setLabels(m_model->distinctValues(QStringLiteral("label")));
    m_filters->setZones(m_model->distinctValues(QStringLiteral("zone")));
}

void EventsPanel::onEventChanged(const QString& kind, const QJsonObject& event)
{
    if (kind != QLatin1String("delete")) {
        const Event e = EventListModel::eventFromJson(event);
        const bool known = std::any_of(m_cameras.begin(), m_cameras.end(), [&](const auto& c) { return c.first == e.camera; });
        if (!known)
            m_filters->addCamera(e.camera, e.cameraName);
        m_filters->addLabel(e.label);
        for (const QString& z : e.zones)
            m_filters->addZone(z);
    }
    m_model->applyEventChange(kind, event);
    if (kind == QLatin1String("delete") && event.value(QLatin1String("id")).toString() == m_details->event().id
        && m_model->rowOf(m_details->event().id) < 0 && m_view->currentIndex().row() < 0)
        m_details->clear();  // shown in the details only, and gone now
}

QString EventsPanel::selectedEventId() const
{
    return m_selected;
}

void EventsPanel::onCurrentRowChanged(int row)
{
    if (row < 0) {
        // The list was reset or emptied: the details keep what they show until another choice.
        return;
    }
    const Event e = m_model->eventAt(row);
    if (e.id == m_selected && m_details->event().id == e.id)
        return;
    m_selected = e.id;
    m_details->setEvent(e);
    emit eventSelected(e.id);
}

bool EventsPanel::selectEvent(const QString& id)
{
    int row = m_model->rowOf(id);
    if (row < 0)
        row = m_model->fetchUntil(id, kMaxRowsToReveal);
    if (row >= 0) {
        const QModelIndex index = m_model->index(row, EventListModel::Label);
        m_view->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        m_view->scrollTo(index, QAbstractItemView::PositionAtCenter);
        return true;
    }
    // Filtered out or far down the list: the details show it on their own.
    const std::optional<Event> e = m_model->reader() ? m_model->reader()->event(id, false) : std::nullopt;
    if (!e)
        return false;
    m_view->selectionModel()->clearSelection();
    m_view->selectionModel()->setCurrentIndex({}, QItemSelectionModel::NoUpdate);
    m_selected = e->id;
    m_details->setEvent(*e);
    emit eventSelected(e->id);
    return true;
}

void EventsPanel::updateEmptyNote()
{
    QString note;
    if (!m_model->lastError().isEmpty())
        note = tr("Cannot read the events: %1").arg(m_model->lastError());
    else if (m_model->eventsFolder().isEmpty())
        note = tr("Events are off.");
    else if (m_model->rowCount() == 0)
        note = tr("No events match these filters.");
    m_note->setText(note);
    m_note->setVisible(!note.isEmpty());
}

} // namespace vigil
