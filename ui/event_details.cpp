#include "event_details.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QDateTime>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPainter>
#include <QPointer>
#include <QPushButton>
#include <QThreadPool>
#include <QVBoxLayout>

#include "event_export.h"
#include "event_list_model.h"
#include "events/event_store.h"
#include "theme.h"

namespace vigil {

namespace {

double nowS()
{
    return double(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
}

// Runs work on the global pool and hands its result to done on the GUI thread, unless the
// widget is gone by then.
template <typename R>
void runAsync(QWidget* widget, std::function<R()> work, std::function<void(const R&)> done)
{
    QPointer<QWidget> guard(widget);
    QThreadPool::globalInstance()->start([guard, work = std::move(work), done = std::move(done)] {
        R result = work();
        QMetaObject::invokeMethod(QCoreApplication::instance(), [guard, done, result] {
            if (guard)
                done(result);
        }, Qt::QueuedConnection);
    });
}

} // namespace

// The picture scaled to fit, aspect kept; a text when there is none.
class EventDetails::PictureView : public QWidget {
public:
    explicit PictureView(QWidget* parent) : QWidget(parent)
    {
        setMinimumSize(160, 90);
        setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    }
    void setImage(const QImage& image, const QString& placeholder)
    {
        m_image = image;
        m_placeholder = placeholder;
        update();
    }
    QString placeholder() const { return m_image.isNull() ? m_placeholder : QString(); }
    QSize sizeHint() const override { return {320, 180}; }

protected:
    void paintEvent(QPaintEvent*) override
    {
        QPainter p(this);
        p.fillRect(rect(), theme::tileBackground());
        if (m_image.isNull()) {
            p.setPen(palette().color(QPalette::PlaceholderText));
            p.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap, m_placeholder);
            return;
        }
        const QSize fit = m_image.size().scaled(size(), Qt::KeepAspectRatio);
        const QRect target(QPoint((width() - fit.width()) / 2, (height() - fit.height()) / 2), fit);
        p.setRenderHint(QPainter::SmoothPixmapTransform);
        p.drawImage(target, m_image);
    }

private:
    QImage m_image;
    QString m_placeholder;
};

EventDetails::EventDetails(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("eventDetails"));
    m_view = new PictureView(this);
    m_view->setObjectName(QStringLiteral("eventSnapshot"));
    m_showBox = new QCheckBox(tr("Show box"), this);
    m_showBox->setObjectName(QStringLiteral("eventShowBox"));
    m_showBox->setChecked(true);
    connect(m_showBox, &QCheckBox::toggled, this, &EventDetails::loadPicture);

    auto* form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    const QList<QPair<QString, QString>> fields{
        {QStringLiteral("camera"), tr("Camera")}, {QStringLiteral("label"), tr("Label")},
        {QStringLiteral("zones"), tr("Zones")}, {QStringLiteral("start"), tr("Start")},
        {QStringLiteral("end"), tr("End")}, {QStringLiteral("duration"), tr("Duration")},
        {QStringLiteral("score"), tr("Top score")}, {QStringLiteral("id"), tr("Id")}};
    for (const auto& [key, title] : fields) {
        auto* value = new QLabel(this);
        value->setTextInteractionFlags(Qt::TextSelectableByMouse);
        value->setWordWrap(key == QLatin1String("id"));
        form->addRow(title, value);
        m_fields.insert(key, value);
    }

    m_play = new QPushButton(tr("Play clip"), this);
    m_play->setObjectName(QStringLiteral("eventPlayClip"));
    m_export = new QPushButton(tr("Export…"), this);
    m_export->setObjectName(QStringLiteral("eventExport"));
    m_delete = new QPushButton(tr("Delete…"), this);
    m_delete->setObjectName(QStringLiteral("eventDelete"));
    m_link = new QPushButton(tr("Copy API link"), this);
    m_link->setObjectName(QStringLiteral("eventCopyLink"));
    connect(m_play, &QPushButton::clicked, this, [this] { emit playClipRequested(m_event.id); });
    connect(m_export, &QPushButton::clicked, this, &EventDetails::chooseExportFolder);
    connect(m_delete, &QPushButton::clicked, this, &EventDetails::requestDelete);
    connect(m_link, &QPushButton::clicked, this, &EventDetails::copyApiLink);
    auto* actions = new QHBoxLayout;
    actions->addWidget(m_play);
    actions->addWidget(m_export);
    actions->addWidget(m_delete);
    actions->addWidget(m_link);
    actions->addStretch(1);

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("eventStatus"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_showBox);
    layout->addLayout(form);
    layout->addLayout(actions);
    layout->addWidget(m_status);

    m_ticker.setInterval(1000);
    connect(&m_ticker, &QTimer::timeout, this, &EventDetails::showFields);
    clear();
}

EventDetails::~EventDetails() = default;

void EventDetails::setEventsFolder(const QString& dir)
{
    m_dir = dir;
    m_store = dir.isEmpty() ? nullptr : EventStore::openReadOnly(dir);
    clear();
}

void EventDetails::setApiBase(const QUrl& base)
{
    m_apiBase = base;
    updateActions();
}

void EventDetails::setRemover(Remover remover)
{
    m_remover = std::move(remover);
    updateActions();
}

void EventDetails::setEvent(const Event& event)
{
    const bool other = event.id != m_event.id;
    m_event = event;
    if (other)
        setStatus({}, false);
    loadPicture();
    showFields();
    updateActions();
}

void EventDetails::updateEvent(const Event& event)
{
    if (event.id != m_event.id)
        return setEvent(event);
    const bool newPicture = event.hasSnapshot != m_event.hasSnapshot || event.box != m_event.box;
    m_event = event;
    if (newPicture)
        loadPicture();
    showFields();
    updateActions();
}

void EventDetails::clear()
{
    m_event = Event();
    m_picture = QImage();
    m_view->setImage({}, tr("Select an event to see it here."));
    setStatus({}, false);
    showFields();
    updateActions();
}

void EventDetails::setShowBox(bool on)
{
    m_showBox->setChecked(on);
}

bool EventDetails::showsBox() const
{
    return m_showBox->isChecked();
}

void EventDetails::loadPicture()
{
    m_picture = QImage();
    if (m_event.id.isEmpty() || m_dir.isEmpty()) {
        m_view->setImage({}, tr("Select an event to see it here."));
        return;
    }
    // One JPEG on selection: read here, unlike the list's many thumbnails.
    const QImage clean(EventStore::snapshotPathIn(m_dir, m_event.id, SnapshotKind::Clean));
    if (showsBox()) {
        const QImage boxed(EventStore::snapshotPathIn(m_dir, m_event.id, SnapshotKind::BoundingBox));
        if (!boxed.isNull()) {
            m_picture = boxed;
        } else if (!clean.isNull()) {
            // No boxed file (it could not be drawn then): draw the stored box, in source pixels.
            m_picture = clean.convertToFormat(QImage::Format_RGB32);
            QPainter p(&m_picture);
            p.setPen(QPen(theme::accent(), std::max(2, m_picture.width() / 320)));
            p.drawRect(m_event.box);
        }
    } else {
        m_picture = clean;
    }
    m_view->setImage(m_picture, m_event.inProgress() ? tr("No snapshot yet: the event is still being recorded.")
                                                     : tr("No snapshot was saved for this event."));
}

void EventDetails::showFields()
{
    const Event& e = m_event;
    const bool any = !e.id.isEmpty();
    auto set = [this](const char* key, const QString& text) { m_fields.value(QLatin1String(key))->setText(text); };
    set("camera", any ? (e.cameraName.isEmpty() || e.cameraName == e.camera ? e.camera
                                                                           : QStringLiteral("%1 (%2)").arg(e.cameraName, e.camera))
                      : QString());
    set("label", e.label);
    set("zones", any ? (e.zones.isEmpty() ? tr("none") : e.zones.join(QStringLiteral(", "))) : QString());
    set("start", any ? EventListModel::formatLocalTime(e.startTime) : QString());
    set("end", any ? (e.endTime ? EventListModel::formatLocalTime(*e.endTime) : tr("in progress")) : QString());
    set("duration", any ? EventListModel::formatDuration(e.endTime.value_or(nowS()) - e.startTime) : QString());
    set("score", any ? QStringLiteral("%1%").arg(e.topScore * 100, 0, 'f', 1) : QString());
    set("id", e.id);
    if (any && e.inProgress())
        m_ticker.start();
    else
        m_ticker.stop();
}

void EventDetails::setClipElsewhere(ClipElsewhere where)
{
    m_clipElsewhere = std::move(where);
    updateActions();
}

void EventDetails::updateActions()
{
    const bool any = hasEvent();
    m_showBox->setEnabled(any);
    const QString elsewhere = any && !m_event.hasClip && m_clipElsewhere ? m_clipElsewhere(m_event) : QString();
    m_play->setEnabled(any && (m_event.hasClip || !elsewhere.isEmpty()));
    m_play->setToolTip(!any || m_event.hasClip ? QString()
                       : elsewhere.isEmpty() ? tr("No clip was recorded for this event")
                                             : tr("The clip is kept by %1: playing fetches it").arg(elsewhere));
    m_export->setEnabled(any && !m_busy);
    m_delete->setEnabled(any && !m_busy && m_remover);
    m_delete->setToolTip(m_remover ? QString() : tr("Recording of events is off"));
    const bool server = !m_apiBase.isEmpty() && m_apiBase.isValid();
    m_link->setEnabled(any && server);
    m_link->setToolTip(server ? tr("Copies the link to this event in Vigil's HTTP API (no token included)")
                              : tr("The rebroadcast server is off: there is no API to link to"));
}

void EventDetails::setStatus(const QString& text, bool error)
{
    m_status->setText(text);
    m_status->setStyleSheet(error ? QStringLiteral("color: %1;").arg(theme::warning().name()) : QString());
}

QString EventDetails::placeholderText() const
{
    return m_view->placeholder();
}

QString EventDetails::statusText() const
{
    return m_status->text();
}

QString EventDetails::fieldText(const QString& name) const
{
    const QLabel* label = m_fields.value(name);
    return label ? label->text() : QString();
}

QUrl EventDetails::apiLink() const
{
    if (!hasEvent() || m_apiBase.isEmpty() || !m_apiBase.isValid())
        return {};
    QUrl url = m_apiBase;
    url.setUserInfo(QString());  // never credentials or a token in a link
    url.setQuery(QString());
    url.setFragment(QString());
    QString path = url.path();
    while (path.endsWith(u'/'))
        path.chop(1);
    url.setPath(path + QStringLiteral("/api/events/") + m_event.id);
    return url;
}

void EventDetails::copyApiLink()
{
    const QUrl link = apiLink();
    if (link.isEmpty())
        return;
    QGuiApplication::clipboard()->setText(link.toString());
    setStatus(tr("Link copied: %1").arg(link.toString()), false);
}

void EventDetails::chooseExportFolder()
{
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Export event to folder"));
    if (!folder.isEmpty())
        exportTo(folder);
}

void EventDetails::exportTo(const QString& folder)
{
    if (!hasEvent() || m_busy)
        return;
    Event full = m_event;
    if (m_store)
        if (const std::optional<Event> stored = m_store->event(m_event.id, true))
            full = *stored;  // with its track, and the latest file flags
    m_busy = true;
    updateActions();
    setStatus(tr("Exporting…"), false);
    const QString dir = m_dir;
    runAsync<EventExportResult>(this, [dir, full, folder] { return exportEvent(dir, full, folder); },
                                [this, folder](const EventExportResult& r) {
        m_busy = false;
        updateActions();
        const QString message = r.ok ? tr("Exported %n file(s) to %1", nullptr, int(r.written.size())).arg(folder)
                                     : tr("Export failed: %1").arg(r.error);
        setStatus(message, !r.ok);
        emit exportFinished(r.ok, message);
    });
}

void EventDetails::requestDelete()
{
    if (!hasEvent() || m_busy || !m_remover)
        return;
    const Event e = m_event;
    QMessageBox box(QMessageBox::Question, tr("Delete event"),
                    tr("Delete this %1 event of %2 at %3, with its snapshot and clip?")
                        .arg(e.label, e.cameraName.isEmpty() ? e.camera : e.cameraName, EventListModel::formatLocalTime(e.startTime)),
                    QMessageBox::Yes | QMessageBox::Cancel, this);
    box.setDefaultButton(QMessageBox::Cancel);
    box.setObjectName(QStringLiteral("eventDeleteConfirm"));
    if (box.exec() != QMessageBox::Yes)
        return;
    m_busy = true;
    updateActions();
    setStatus(tr("Deleting…"), false);
    runAsync<QString>(this, [remover = m_remover, id = e.id] { return remover(id); },
                      [this, id = e.id](const QString& error) {
        m_busy = false;
        updateActions();
        const QString message = error.isEmpty() ? tr("Deleted.") : tr("Could not delete: %1").arg(error);
        emit deleteFinished(id, error.isEmpty(), message);
        setStatus(message, !error.isEmpty());  // after: the panel may have moved on to the next event
    });
}

} // namespace vigil
