#include "main_window.h"

#include <QApplication>
#include <QCloseEvent>
#include <QDesktopServices>
#include <QDir>
#include <QDockWidget>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QStackedWidget>
#include <QScreen>
#include <QStatusBar>
#include <QStandardPaths>
#include <QStyle>
#include <QFileInfo>
#include <QSystemTrayIcon>
#include <QToolBar>
#include <QUrl>
#include <QVBoxLayout>

#include "common/redact.h"
#include "events/event.h"
#include "events/event_service.h"
#include "pipeline/camera.h"
#include "remote/remote_node.h"
#include "camera_dialog.h"
#include "camera_grid.h"
#include "camera_manager.h"
#include "camera_tile.h"
#include "clip_player_window.h"
#include "empty_state.h"
#include "events/event_store.h"
#include "event_timeline.h"
#include "event_details.h"
#include "events_panel.h"
#include "remote/remote_node.h"
#include "remote_node_dialog.h"
#include "settings_dialog.h"
#include "icons.h"
#include "stats_panel.h"
#include "tuning_panel.h"

namespace vigil {

MainWindow::MainWindow(CameraManager* manager, QWidget* parent) : QMainWindow(parent), m_manager(manager)
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(QStringLiteral("Vigil"));
    setWindowIcon(icons::appIcon());
    setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowTabbedDocks);
    m_snapshotPool.setMaxThreadCount(1);  // snapshots are rare; keep them in order and off the GUI thread

    m_stack = new QStackedWidget(this);
    m_empty = new EmptyState(m_stack);
    // The grid, and under a focused camera its last 24 h of events.
    auto* gridPage = new QWidget(m_stack);
    m_grid = new CameraGrid(gridPage);
    m_timeline = new EventTimeline(gridPage);
    m_timeline->setObjectName(QStringLiteral("eventTimeline"));
    m_timeline->hide();
    auto* gridLayout = new QVBoxLayout(gridPage);
    gridLayout->setContentsMargins(0, 0, 0, 0);
    gridLayout->setSpacing(0);
    gridLayout->addWidget(m_grid, 1);
    gridLayout->addWidget(m_timeline);
    m_stack->addWidget(m_empty);
    m_stack->addWidget(gridPage);
    setCentralWidget(m_stack);

    buildActions();
    buildDocks();
    buildMenus();
    buildToolBar();
    buildStatusBar();

    connect(m_empty, &EmptyState::addCameraClicked, this, [this] { openAddCameraDialog(); });
    connect(m_empty, &EmptyState::demoClicked, this, &MainWindow::startDemo);
    connect(m_grid, &CameraGrid::selectionChanged, this, &MainWindow::onSelectionChanged);
    connect(m_grid, &CameraGrid::focusChanged, this, &MainWindow::updateActions);
    connect(m_grid, &CameraGrid::focusChanged, this, &MainWindow::onFocusChanged);
    connect(m_timeline, &EventTimeline::eventClicked, this, &MainWindow::openEvent);
    connect(m_grid, &CameraGrid::tileCreated, this, [this](CameraTile* tile) {
        connect(tile, &CameraTile::snapshotRequested, this, &MainWindow::snapshotCamera);
        connect(tile, &CameraTile::editRequested, this, [this](const QString& id) { openEditCameraDialog(id); });
        connect(tile, &CameraTile::removeRequested, this, &MainWindow::confirmRemoveCamera);
        connect(tile, &CameraTile::tuneRequested, this, [this](const QString& id) {
            m_grid->select(id);
            m_tuningDock->show();
            m_tuningDock->raise();
        });
    });
    connect(m_manager, &CameraManager::cameraAdded, this, &MainWindow::onCameraAdded);
    connect(m_manager, &CameraManager::cameraRemoved, this, &MainWindow::onCameraRemoved);
    connect(m_manager, &CameraManager::saveFailed, this, [this](const QString& message) {
        statusBar()->showMessage(tr("Settings not saved: %1").arg(message), 10000);
    });
    connect(m_manager, &CameraManager::rebroadcastChanged, this, &MainWindow::updateStatusWidgets);
    connect(m_manager->pipeline(), &Pipeline::mqttStateChanged, this, &MainWindow::updateStatusWidgets);

    for (Camera* c : m_manager->cameras())
        onCameraAdded(c);
    for (RemoteNode* node : m_manager->remoteNodes())
        watchRemoteNode(node);

    // Events: tiles show those in progress; cameras that asked get a desktop notification.
    m_notifier = new EventNotifier(this);
    m_notifier->setWantsNotifications([this](const QString& id) {
        const Camera* c = m_manager->camera(id);
        return c && c->config().events.notify;
    });
    m_notifier->setPictureSource([this](const QString& eventId, const QString& cameraId) {
        EventService* events = m_manager->pipeline()->events();
        QImage thumb;
        if (events && isValidEventId(eventId))
            thumb.load(QDir(events->folder()).filePath(QStringLiteral("snapshots/%1-thumb.jpg").arg(eventId)));
        if (thumb.isNull())
            if (const Camera* c = m_manager->camera(cameraId))
                if (const ProcessedFramePtr f = c->latestFrame(); f && !f->image.isNull())
                    thumb = f->image.scaled(320, 180, Qt::KeepAspectRatio, Qt::SmoothTransformation);
        return thumb;
    });
    connect(m_notifier, &EventNotifier::notify, this, &MainWindow::showNotification);
    // The events panel and the timeline read the store's folder; the service keeps them current.
    EventService* events = m_manager->pipeline()->events();
    const QString eventsFolder = events ? events->folder() : m_manager->settings().events.effectiveFolder();
    m_eventsPanel->setEventsFolder(eventsFolder);
    m_timeline->setEventsFolder(eventsFolder);
    if (events) {
        m_eventsPanel->setEventService(events);
        connect(events, &EventService::eventChanged, this, &MainWindow::onEventChanged, Qt::QueuedConnection);
    }
    connect(m_eventsPanel, &EventsPanel::playClipRequested, this, &MainWindow::playEventClip);
    // A remote node's events keep their clips on the node: Play fetches them.
    m_eventsPanel->details()->setClipElsewhere([this](const Event& e) {
        const RemoteNode* node = m_manager->pipeline()->remoteNodeOfEvent(e.id);
        return node && !e.inProgress() ? tr("node %1").arg(node->name()) : QString();
    });
    connect(this, &MainWindow::eventOpened, this, [this](const QString& id) {
        m_eventsDock->show();
        m_eventsDock->raise();
        if (!m_eventsPanel->selectEvent(id))
            statusBar()->showMessage(tr("That event is no longer stored"), 6000);
    });
    connect(m_manager, &CameraManager::cameraUpdated, this, &MainWindow::updateEventsPanelCameras);
    updateEventsPanelCameras();

    const AppSettings& s = m_manager->settings();
    if (s.windowGeometry.isEmpty() || !restoreGeometry(s.windowGeometry)) {
        // First launch: most of the screen, centred.
        const QRect avail = screen() ? screen()->availableGeometry() : QRect(0, 0, 1600, 1000);
        const QSize size = QSize(1440, 900).boundedTo(avail.size() * 0.9);
        setGeometry(QStyle::alignedRect(Qt::LeftToRight, Qt::AlignCenter, size, avail));
    }
    if (!s.windowState.isEmpty())
        restoreState(s.windowState);
    else  // the events list and its picture need the room more than the statistics table
        resizeDocks({m_statsDock, m_eventsDock}, {width() * 2 / 5, width() * 3 / 5}, Qt::Horizontal);
    updateEmptyState();
    updateActions();
    updateStatusWidgets();
    m_statusTimer.setInterval(1000);
    connect(&m_statusTimer, &QTimer::timeout, this, &MainWindow::updateStatusWidgets);
    m_statusTimer.start();
}

MainWindow::~MainWindow()
{
    // The service may go before the panel: stop listening to it.
    m_eventsPanel->setEventService(nullptr);
    // Snapshot jobs report back to this window: let them finish first.
    m_snapshotPool.waitForDone();
}

void MainWindow::buildActions()
{
    auto make = [this](const QIcon& icon, const QString& text, const QKeySequence& key, auto slot) {
        auto* a = new QAction(icon, text, this);
        if (!key.isEmpty())
            a->setShortcut(key);
        connect(a, &QAction::triggered, this, slot);
        return a;
    };
    m_addAction = make(icons::addCamera(), tr("&Add camera…"), QKeySequence(Qt::CTRL | Qt::Key_N),
                       [this] { openAddCameraDialog(); });
    m_editAction = make(icons::edit(), tr("&Edit camera…"), QKeySequence(Qt::CTRL | Qt::Key_E),
                        [this] { openEditCameraDialog(m_grid->selectedId()); });
    m_removeAction = make(icons::remove(), tr("&Remove camera…"), QKeySequence(Qt::Key_Delete),
                          [this] { confirmRemoveCamera(m_grid->selectedId()); });
    m_snapshotAction = make(icons::snapshot(), tr("&Snapshot"), QKeySequence(Qt::CTRL | Qt::Key_S),
                            &MainWindow::snapshotSelected);
    m_snapshotAction->setToolTip(tr("Save a snapshot of the selected camera (Ctrl+S)"));
    m_snapshotAllAction = make(icons::snapshotAll(), tr("Snapshot &all"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S),
                               &MainWindow::snapshotAll);
    m_snapshotAllAction->setToolTip(tr("Save a snapshot of every camera (Ctrl+Shift+S)"));
    m_openFolderAction = make(icons::folder(), tr("&Open snapshot folder"), QKeySequence(),
                              &MainWindow::openSnapshotFolder);
    m_settingsAction = make(icons::settings(), tr("Se&ttings…"), QKeySequence(Qt::CTRL | Qt::Key_Comma),
                            &MainWindow::openSettings);
    m_quitAction = make(QIcon(), tr("&Quit"), QKeySequence(Qt::CTRL | Qt::Key_Q), [this] { close(); });
    m_focusAction = make(icons::focus(), tr("&Focus selected camera"), QKeySequence(Qt::Key_F), [this] {
        if (!m_grid->selectedId().isEmpty())
            m_grid->toggleFocus(m_grid->selectedId());
    });
    m_focusAction->setToolTip(tr("Show only the selected camera, or all again (F, double-click)"));
    m_gridAction = make(icons::grid(), tr("&Grid of all cameras"), QKeySequence(Qt::Key_Escape),
                        [this] { m_grid->setFocusedCamera({}); });
    m_demoAction = make(icons::demo(), tr("Add &demo camera"), QKeySequence(), &MainWindow::startDemo);
    m_aboutAction = make(icons::appIcon(), tr("&About Vigil"), QKeySequence(), &MainWindow::showAbout);
    m_addRemoteAction = make(icons::addCamera(), tr("Add re&mote node…"), QKeySequence(),
                             [this] { openAddRemoteNodeDialog(); });
    m_addRemoteAction->setToolTip(tr("Show the cameras and events of another Vigil"));
    for (QAction* a : {m_focusAction, m_gridAction})
        a->setShortcutContext(Qt::WindowShortcut);
}

void MainWindow::buildMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(m_addAction);
    file->addAction(m_demoAction);
    file->addAction(m_addRemoteAction);
    m_remoteMenu = file->addMenu(tr("Remote &nodes"));
    m_remoteMenu->setObjectName(QStringLiteral("remoteNodesMenu"));
    connect(m_remoteMenu, &QMenu::aboutToShow, this, &MainWindow::rebuildRemoteNodesMenu);
    rebuildRemoteNodesMenu();
    file->addAction(m_editAction);
    file->addAction(m_removeAction);
    file->addSeparator();
    file->addAction(m_snapshotAction);
    file->addAction(m_snapshotAllAction);
    file->addAction(m_openFolderAction);
    file->addSeparator();
    file->addAction(m_settingsAction);
    file->addSeparator();
    file->addAction(m_quitAction);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    view->addAction(m_gridAction);
    view->addAction(m_focusAction);
    view->addSeparator();
    QAction* statsToggle = m_statsDock->toggleViewAction();
    statsToggle->setText(tr("Live &statistics"));
    statsToggle->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_I));
    view->addAction(statsToggle);
    QAction* tuneToggle = m_tuningDock->toggleViewAction();
    tuneToggle->setText(tr("Frame rate &tuning"));
    tuneToggle->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_T));
    view->addAction(tuneToggle);
    QAction* eventsToggle = m_eventsDock->toggleViewAction();
    eventsToggle->setText(tr("&Events"));
    eventsToggle->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    view->addAction(eventsToggle);
    QAction* fullScreen = view->addAction(tr("F&ull screen"), this, [this] {
        setWindowState(windowState() ^ Qt::WindowFullScreen);
    });
    fullScreen->setShortcut(QKeySequence(Qt::Key_F11));

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(m_aboutAction);
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
}

void MainWindow::buildToolBar()
{
    QToolBar* bar = addToolBar(tr("Main"));
    bar->setObjectName(QStringLiteral("mainToolBar"));
    bar->setMovable(false);
    bar->setIconSize(QSize(20, 20));
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    bar->setStyleSheet(QStringLiteral("QToolBar { background: #111418; border: none; border-bottom: 1px solid #23282f;"
                                      " padding: 3px; spacing: 4px; }"
                                      "QToolButton { padding: 4px 8px; border-radius: 5px; }"
                                      "QToolButton:hover { background: #23282f; }"
                                      "QToolButton:checked { background: #1f3a57; }"));
    bar->addAction(m_addAction);
    bar->addSeparator();
    bar->addAction(m_snapshotAction);
    bar->addAction(m_snapshotAllAction);
    bar->addSeparator();
    bar->addAction(m_focusAction);
    auto* spacer = new QWidget(bar);
    spacer->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    bar->addWidget(spacer);
    QAction* events = m_eventsDock->toggleViewAction();
    events->setIcon(icons::events());
    bar->addAction(events);
    QAction* stats = m_statsDock->toggleViewAction();
    stats->setIcon(icons::stats());
    bar->addAction(stats);
    bar->addAction(m_settingsAction);
}

void MainWindow::buildDocks()
{
    m_stats = new StatsPanel(m_manager, this);
    connect(m_stats, &StatsPanel::cameraSelected, this, [this](const QString& id) { m_grid->select(id); });
    connect(m_stats, &StatsPanel::cameraActivated, this, [this](const QString& id) {
        m_grid->select(id);
        m_grid->setFocusedCamera(id);
    });
    m_statsDock = new QDockWidget(tr("Live statistics"), this);
    m_statsDock->setObjectName(QStringLiteral("statsDock"));
    m_statsDock->setWidget(m_stats);
    m_statsDock->setFeatures(QDockWidget::DockWidgetClosable | QDockWidget::DockWidgetMovable
                             | QDockWidget::DockWidgetFloatable);
    addDockWidget(Qt::BottomDockWidgetArea, m_statsDock);

    m_tuning = new TuningPanel(m_manager, this);
    m_tuningDock = new QDockWidget(tr("Frame rate"), this);
    m_tuningDock->setObjectName(QStringLiteral("tuningDock"));
    m_tuningDock->setWidget(m_tuning);
    m_tuningDock->setFeatures(m_statsDock->features());
    addDockWidget(Qt::RightDockWidgetArea, m_tuningDock);
    // Events beside the live statistics: what happened next to what is happening.
    m_eventsPanel = new EventsPanel(this);
    m_eventsPanel->setObjectName(QStringLiteral("eventsPanel"));
    m_eventsDock = new QDockWidget(tr("Events"), this);
    m_eventsDock->setObjectName(QStringLiteral("eventsDock"));
    m_eventsDock->setWidget(m_eventsPanel);
    m_eventsDock->setFeatures(m_statsDock->features());
    addDockWidget(Qt::BottomDockWidgetArea, m_eventsDock);
    splitDockWidget(m_statsDock, m_eventsDock, Qt::Horizontal);
    resizeDocks({m_statsDock}, {250}, Qt::Vertical);
    resizeDocks({m_tuningDock}, {300}, Qt::Horizontal);
}

void MainWindow::buildStatusBar()
{
    m_countLabel = new QLabel(this);
    m_rebroadcastLabel = new QLabel(this);
    m_rebroadcastLabel->setObjectName(QStringLiteral("rebroadcastStatus"));
    m_rebroadcastLabel->setTextFormat(Qt::RichText);
    m_rebroadcastLabel->setOpenExternalLinks(true);
    m_mqttLabel = new QLabel(this);
    m_mqttLabel->setObjectName(QStringLiteral("mqttStatus"));
    m_mqttLabel->setTextFormat(Qt::RichText);
    statusBar()->addPermanentWidget(m_mqttLabel);
    statusBar()->addPermanentWidget(m_rebroadcastLabel);
    statusBar()->addPermanentWidget(m_countLabel);
    statusBar()->setSizeGripEnabled(true);
}

bool MainWindow::showingEmptyState() const { return m_stack->currentWidget() == m_empty; }

void MainWindow::onCameraAdded(Camera* camera)
{
    if (m_grid->tile(camera->id()))
        return;
    m_grid->addCamera(camera);
    connect(camera, &Camera::stateChanged, this, &MainWindow::updateStatusWidgets);
    updateEventsPanelCameras();
    updateEmptyState();
    updateActions();
    updateStatusWidgets();
}

void MainWindow::onCameraRemoved(const QString& id)
{
    m_activeEvents.remove(id);
    m_grid->removeCamera(id);
    updateEventsPanelCameras();
    if (m_tuning->camera() && m_tuning->camera()->id() == id)
        m_tuning->setCamera(nullptr);
    updateEmptyState();
    updateActions();
    updateStatusWidgets();
}

void MainWindow::onEventChanged(const QString& kind, const QJsonObject& event)
{
    const QString camera = event.value("camera").toString();
    const QString id = event.value("id").toString();
    QHash<QString, QString>& active = m_activeEvents[camera];
    const bool inProgress = event.value("end_time").isNull() && kind != QLatin1String("end")
                            && kind != QLatin1String("delete");
    if (inProgress)
        active.insert(id, event.value("label").toString());
    else
        active.remove(id);
    if (CameraTile* tile = m_grid->tile(camera)) {
        // Oldest first, so the edge keeps the colour of what started it.
        QStringList ids = active.keys();
        ids.sort();
        QStringList labels;
        for (const QString& i : std::as_const(ids))
            labels << active.value(i);
        tile->setActiveEvents(labels);
    }
    m_notifier->onEventChanged(kind, event);
    m_timeline->applyEventChange(kind, event);
}

void MainWindow::updateEventsPanelCameras()
{
    if (!m_eventsPanel)
        return;  // cameras added before the panel exists are listed once it does
    QList<QPair<QString, QString>> cameras;
    for (const Camera* c : m_manager->cameras())
        cameras.append({c->id(), c->config().displayName()});
    m_eventsPanel->setCameras(cameras);
}

void MainWindow::onFocusChanged(const QString& id)
{
    m_timeline->setCamera(id);
    m_timeline->setVisible(!id.isEmpty());
    if (!id.isEmpty())
        m_timeline->refresh();
}

void MainWindow::showNotification(const EventNotifier::Notification& n)
{
    if (!QSystemTrayIcon::isSystemTrayAvailable()) {
        // No tray (some desktops, offscreen): the status bar says it instead.
        statusBar()->showMessage(n.title + QStringLiteral(" · ") + n.message.section('\n', 0, 0), 10000);
        return;
    }
    if (!m_tray) {
        m_tray = new QSystemTrayIcon(icons::appIcon(), this);
        m_tray->setToolTip(QStringLiteral("Vigil"));
        connect(m_tray, &QSystemTrayIcon::messageClicked, this, [this] { openEvent(m_notifiedEvent); });
        connect(m_tray, &QSystemTrayIcon::activated, this, [this] {
            showNormal();
            raise();
            activateWindow();
        });
        m_tray->show();
    }
    m_notifiedEvent = n.eventId;
    const QIcon icon = n.picture.isNull() ? icons::appIcon() : QIcon(QPixmap::fromImage(n.picture));
    m_tray->showMessage(n.title, n.message, icon, 8000);
}

void MainWindow::openEvent(const QString& eventId)
{
    if (eventId.isEmpty())
        return;
    showNormal();
    raise();
    activateWindow();
    emit eventOpened(eventId);
}

ClipPlayerWindow* MainWindow::playEventClip(const QString& eventId)
{
    EventService* service = m_manager->pipeline()->events();
    const QString folder = service ? service->folder() : m_manager->settings().events.effectiveFolder();
    // A reader of our own on this thread: the event with its track (for the boxes).
    std::unique_ptr<EventStore> store = EventStore::openReadOnly(folder);
    QString error;
    const std::optional<Event> event = store->event(eventId, true, &error);
    if (!event) {
        statusBar()->showMessage(error.isEmpty() ? tr("That event is no longer stored") : error, 8000);
        return nullptr;
    }
    QString clip = EventStore::clipPathIn(folder, eventId);
    RemoteNode* node = m_manager->pipeline()->remoteNodeOfEvent(eventId);
    if (!event->hasClip && node) {
        // Fetched once into the cache; played from there.
        const QString cached = QDir(QStandardPaths::writableLocation(QStandardPaths::CacheLocation))
                                   .filePath(QStringLiteral("remote-clips/%1.mkv").arg(eventId));
        if (!QFileInfo::exists(cached)) {
            statusBar()->showMessage(tr("Fetching the clip from node %1…").arg(node->name()));
            node->fetchClip(eventId, cached, [this, eventId, name = node->name()](bool ok, const QString& error) {
                if (!ok) {
                    statusBar()->showMessage(tr("The clip could not be fetched from node %1: %2").arg(name, error), 10000);
                    return;
                }
                statusBar()->clearMessage();
                playEventClip(eventId);
            });
            return nullptr;
        }
        clip = cached;
    }
    auto* player = new ClipPlayerWindow(this);
    player->setAttribute(Qt::WA_DeleteOnClose);
    player->resize(960, 640);
    // The window says itself when the clip is missing or damaged; the event stays usable.
    player->open(clip, *event,
                 qint64(m_manager->settings().events.preRollS * 1000));
    player->show();
    return player;
}

void MainWindow::onSelectionChanged(const QString& id)
{
    m_tuning->setCamera(m_manager->camera(id));
    m_stats->setSelectedCamera(id);
    updateActions();
}

void MainWindow::updateEmptyState()
{
    const int empty = m_grid->count() == 0 ? 1 : 0;
    if (empty == m_wasEmpty)
        return;
    const bool firstTime = m_wasEmpty < 0;
    m_wasEmpty = empty;
    m_stack->setCurrentIndex(empty ? 0 : 1);  // the empty state, or the grid page
    // Nothing to tune or measure without cameras: keep that screen clean. At start-up with
    // cameras, the saved window state decides.
    if (empty || !firstTime) {
        m_statsDock->setVisible(!empty);
        m_tuningDock->setVisible(!empty);
    }
}

void MainWindow::updateActions()
{
    const bool any = m_grid->count() > 0;
    const bool selected = !m_grid->selectedId().isEmpty();
    const Camera* selectedCamera = selected ? m_manager->camera(m_grid->selectedId()) : nullptr;
    m_editAction->setEnabled(selectedCamera && !selectedCamera->config().isRemote());
    m_removeAction->setEnabled(selected);
    m_snapshotAction->setEnabled(selected);
    m_snapshotAllAction->setEnabled(any);
    m_focusAction->setEnabled(selected);
    const bool focused = !m_grid->focusedId().isEmpty();
    m_gridAction->setEnabled(focused);
    // One toolbar button for both directions.
    m_focusAction->setText(focused ? tr("Show all cameras") : tr("Focus selected camera"));
    m_focusAction->setIcon(focused ? icons::grid() : icons::focus());
}

void MainWindow::updateStatusWidgets()
{
    const QList<Camera*> cams = m_manager->cameras();
    int live = 0, trouble = 0;
    for (Camera* c : cams) {
        if (c->state() == CameraState::Live)
            ++live;
        else if (c->state() == CameraState::Error || c->state() == CameraState::Stalled
                 || c->state() == CameraState::Reconnecting)
            ++trouble;
    }
    QString text = cams.isEmpty() ? tr("No cameras") : (cams.size() == 1 ? tr("1 camera") : tr("%1 cameras").arg(cams.size()))
                                                        + QStringLiteral(" · ") + tr("%1 live").arg(live);
    if (trouble)
        text += QStringLiteral(" · <span style='color:#f0883e'>%1</span>").arg(tr("%1 with problems").arg(trouble));
    m_countLabel->setText(text);

    QString rb;
    if (m_manager->rebroadcastRunning()) {
        // The link opens the viewer with its token; the text shown has it masked.
        const QUrl url = m_manager->rebroadcastUrl();
        const int viewers = m_manager->rebroadcastClients();
        rb = tr("Rebroadcast: <a style='color:#58a6ff' href='%1'>%2</a> · %3")
                 .arg(url.toString().toHtmlEscaped(), redactedUrlString(url).toHtmlEscaped(),
                      viewers == 1 ? tr("1 viewer") : tr("%1 viewers").arg(viewers));
    } else if (!m_manager->rebroadcastError().isEmpty()) {
        rb = QStringLiteral("<span style='color:#f85149'>%1</span>")
                 .arg(tr("Rebroadcast off: %1").arg(redactedText(m_manager->rebroadcastError())).toHtmlEscaped());
    }
    m_rebroadcastLabel->setText(rb);
    // MQTT: shown only when configured; why it is not connected in words, details on hover.
    const MqttStatus mqtt = m_manager->pipeline()->mqttStatus();
    QString mq;
    QString tip;
    switch (mqtt.state) {
    case MqttState::Off:
        break;
    case MqttState::Connected:
        mq = QStringLiteral("<span style='color:#3fb950'>%1</span>").arg(tr("MQTT connected"));
        break;
    case MqttState::Connecting:
        mq = QStringLiteral("<span style='color:#e3b341'>%1</span>").arg(tr("MQTT connecting…"));
        break;
    case MqttState::Reconnecting:
        mq = QStringLiteral("<span style='color:#f0883e'>%1</span>")
                 .arg(tr("MQTT reconnecting: %1").arg(mqtt.reason.section(':', 0, 0)).toHtmlEscaped());
        break;
    }
    if (mqtt.state != MqttState::Off) {
        tip = mqtt.reason.isEmpty() ? tr("Publishing to the broker") : redactedText(mqtt.reason);
        if (mqtt.queued || mqtt.dropped)
            tip += tr("\n%1 waiting, %2 events dropped").arg(mqtt.queued).arg(mqtt.dropped);
    }
    m_mqttLabel->setText(mq);
    m_mqttLabel->setToolTip(tip);
    m_mqttLabel->setVisible(!mq.isEmpty());

    // "Copy API link" points at the server while it runs (never with the token).
    QUrl apiBase;
    if (m_manager->rebroadcastRunning()) {
        apiBase = m_manager->rebroadcastUrl();
        apiBase.setQuery(QString());
        apiBase.setPath(QString());
    }
    m_eventsPanel->setApiBase(apiBase);
    m_rebroadcastLabel->setVisible(!rb.isEmpty());
}

CameraDialog* MainWindow::openAddCameraDialog()
{
    CameraConfig c;
    c.skipFrames = m_manager->settings().defaultSkipFrames;
    c.maxFps = m_manager->settings().defaultMaxFps;
    auto* dlg = new CameraDialog(c, false, this);
    dlg->setAttribute(Qt::WA_DeleteOnClose);
    connect(dlg, &QDialog::accepted, this, [this, dlg] {
        Camera* cam = m_manager->addCamera(dlg->config(), true);
        m_grid->select(cam->id());
        statusBar()->showMessage(tr("Added %1").arg(cam->config().displayName()), 4000);
    });
    dlg->open();
    return dlg;
}

CameraDialog* MainWindow::openEditCameraDialog(const QString& id)
{
    Camera* cam = m_manager->camera(id);
    if (!cam || cam->config().isRemote())  // set up on its node; its URL carries the node's token
        return nullptr;
    auto* dlg = new CameraDialog(cam->config(), true, this);
    dlg->setAttribute(Qt::WA_DeleteOnClose);
    // The mask editor draws on this camera's live picture; the camera may go while it is open.
    dlg->setFrameSource([cam = QPointer<Camera>(cam)] { return cam ? cam->latestFrame() : ProcessedFramePtr(); });
    connect(dlg, &QDialog::accepted, this, [this, dlg, id] {
        m_manager->updateCamera(id, dlg->config());
        if (CameraTile* t = m_grid->tile(id))
            t->update();
        statusBar()->showMessage(tr("Saved %1").arg(dlg->config().displayName()), 4000);
    });
    dlg->open();
    return dlg;
}

void MainWindow::confirmRemoveCamera(const QString& id)
{
    Camera* cam = m_manager->camera(id);
    if (!cam)
        return;
    if (cam->config().isRemote()) {
        // It comes back with the node's next camera list: the node is what is removed.
        confirmRemoveRemoteNode(cam->config().remoteNode);
        return;
    }
    const QString name = cam->config().displayName();
    auto* box = new QMessageBox(QMessageBox::Question, tr("Remove camera"),
                                tr("Remove \"%1\"?").arg(name), QMessageBox::NoButton, this);
    box->setInformativeText(m_manager->isPersistent(id)
                                ? tr("It will be stopped and removed from your saved cameras.")
                                : tr("It was added for this session only and will be stopped."));
    QPushButton* remove = box->addButton(tr("Remove"), QMessageBox::DestructiveRole);
    box->addButton(QMessageBox::Cancel);
    box->setDefaultButton(QMessageBox::Cancel);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::finished, this, [this, box, remove, id, name] {
        if (box->clickedButton() != static_cast<QAbstractButton*>(remove))
            return;
        m_manager->removeCamera(id);
        statusBar()->showMessage(tr("Removed %1").arg(name), 4000);
    });
    box->open();
}

RemoteNodeDialog* MainWindow::openAddRemoteNodeDialog()
{
    QStringList taken;
    for (RemoteNode* n : m_manager->remoteNodes())
        taken << n->name();
    auto* dlg = new RemoteNodeDialog(taken, this);
    dlg->setAttribute(Qt::WA_DeleteOnClose);
    connect(dlg, &QDialog::accepted, this, [this, dlg] {
        QString error;
        RemoteNode* node = m_manager->addRemoteNode(dlg->config(), &error);
        if (!node) {
            QMessageBox::warning(this, tr("Remote node"), tr("The remote node could not be added: %1").arg(error));
            return;
        }
        watchRemoteNode(node);
        statusBar()->showMessage(tr("Added remote node %1; its cameras appear as it answers").arg(node->name()), 5000);
    });
    dlg->open();
    return dlg;
}

void MainWindow::watchRemoteNode(RemoteNode* node)
{
    connect(node, &RemoteNode::stateChanged, this, [this, name = node->name()](RemoteNodeState state, const QString& reason) {
        if (state == RemoteNodeState::Unauthorised || state == RemoteNodeState::Unreachable)
            statusBar()->showMessage(tr("Remote node %1: %2").arg(name, redactedText(reason)), 10000);
        if (!m_remoteMenu->isVisible())
            rebuildRemoteNodesMenu();
    });
}

void MainWindow::rebuildRemoteNodesMenu()
{
    m_remoteMenu->clear();
    const QList<RemoteNode*> nodes = m_manager->remoteNodes();
    m_remoteMenu->setEnabled(!nodes.isEmpty());
    for (RemoteNode* node : nodes) {
        QString state = remoteNodeStateName(node->state());
        if (!node->reason().isEmpty())
            state += QStringLiteral(": ") + redactedText(node->reason()).left(80);
        QAction* remove = m_remoteMenu->addAction(tr("Remove \"%1\" (%2)…").arg(node->name(), state));
        remove->setToolTip(redactedUrlString(node->config().url));
        remove->setObjectName(QStringLiteral("removeRemoteNode:") + node->name());
        connect(remove, &QAction::triggered, this, [this, name = node->name()] { confirmRemoveRemoteNode(name); });
    }
}

void MainWindow::confirmRemoveRemoteNode(const QString& name)
{
    auto* box = new QMessageBox(QMessageBox::Question, tr("Remove remote node"),
                                tr("Remove the remote node \"%1\"?").arg(name), QMessageBox::NoButton, this);
    box->setObjectName(QStringLiteral("confirmRemoveRemoteNode"));
    box->setInformativeText(tr("Its cameras are removed from this window. Its events already imported stay."));
    QPushButton* remove = box->addButton(tr("Remove"), QMessageBox::DestructiveRole);
    box->addButton(QMessageBox::Cancel);
    box->setDefaultButton(QMessageBox::Cancel);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::finished, this, [this, box, remove, name] {
        if (box->clickedButton() != static_cast<QAbstractButton*>(remove))
            return;
        if (m_manager->removeRemoteNode(name))
            statusBar()->showMessage(tr("Removed remote node %1").arg(name), 4000);
        rebuildRemoteNodesMenu();
    });
    box->open();
}

void MainWindow::startDemo()
{
    QString error;
    Camera* cam = m_manager->startDemo(&error);
    if (!cam) {
        QMessageBox::warning(this, tr("Demo camera"), tr("The demo camera could not start: %1").arg(error));
        return;
    }
    m_grid->select(cam->id());
    statusBar()->showMessage(tr("Demo camera started (for this session only)"), 5000);
}

void MainWindow::snapshotCamera(const QString& id)
{
    if (Camera* c = m_manager->camera(id))
        writeSnapshots({c});
}

void MainWindow::snapshotSelected()
{
    const QString id = m_grid->focusedId().isEmpty() ? m_grid->selectedId() : m_grid->focusedId();
    if (id.isEmpty()) {
        statusBar()->showMessage(tr("Select a camera first (click its picture)"), 4000);
        return;
    }
    snapshotCamera(id);
}

void MainWindow::snapshotAll()
{
    writeSnapshots(m_manager->cameras());
}

void MainWindow::writeSnapshots(const QList<Camera*>& cameras)
{
    const AppSettings& s = m_manager->settings();
    SnapshotOptions options;
    options.folder = s.effectiveSnapshotDir();
    options.format = s.snapshotFormat;
    options.includeRaw = s.snapshotIncludeRaw;

    struct Job {
        ProcessedFramePtr frame;
        QString name;
    };
    QList<Job> jobs;
    QStringList noFrame;
    for (Camera* c : cameras) {
        ProcessedFramePtr f = c->latestFrame();
        if (f)
            jobs.append({f, c->config().displayName()});
        else
            noFrame << c->config().displayName();
    }
    if (jobs.isEmpty()) {
        const QString msg = noFrame.isEmpty() ? tr("No cameras to snapshot")
                                              : tr("No picture yet from %1").arg(noFrame.join(", "));
        statusBar()->showMessage(msg, 6000);
        m_lastSnapshots = {};
        emit snapshotsFinished(0, int(noFrame.size()));
        return;
    }
    statusBar()->showMessage(jobs.size() == 1 ? tr("Saving snapshot…") : tr("Saving %1 snapshots…").arg(jobs.size()));
    ++m_snapshotsPending;
    // The pool is drained in ~MainWindow, so `this` outlives the job.
    m_snapshotPool.start([jobs, options, noFrame, this] {
        QList<SnapshotResult> results;
        for (const Job& j : jobs)
            results.append(SnapshotWriter::write(*j.frame, j.name, options));
        QMetaObject::invokeMethod(this, [this, results, noFrame, options] {
            --m_snapshotsPending;
            m_lastSnapshots = results;
            int ok = 0;
            QStringList errors;
            QString lastFile;
            for (const SnapshotResult& r : results) {
                if (r.ok) {
                    ++ok;
                    lastFile = r.imagePath;
                } else {
                    errors << r.error;
                }
            }
            for (const QString& n : noFrame)
                errors << tr("No picture yet from %1").arg(n);
            if (errors.isEmpty()) {
                statusBar()->showMessage(ok == 1 ? tr("Snapshot saved: %1").arg(QDir::toNativeSeparators(lastFile))
                                                 : tr("%1 snapshots saved in %2").arg(ok).arg(QDir::toNativeSeparators(options.folder)),
                                         8000);
            } else {
                statusBar()->showMessage(tr("Snapshot failed: %1").arg(errors.first()), 10000);
                auto* box = new QMessageBox(QMessageBox::Warning, tr("Snapshot"),
                                            ok ? tr("%1 snapshot(s) saved, %2 failed.").arg(ok).arg(errors.size())
                                               : tr("The snapshot could not be saved."),
                                            QMessageBox::Ok, this);
                box->setObjectName(QStringLiteral("snapshotError"));
                box->setInformativeText(errors.join("\n"));
                box->setAttribute(Qt::WA_DeleteOnClose);
                box->open();
            }
            emit snapshotsFinished(ok, int(errors.size()));
        });
    });
}

void MainWindow::openSnapshotFolder()
{
    const QString dir = m_manager->settings().effectiveSnapshotDir();
    QDir().mkpath(dir);
    if (!QDesktopServices::openUrl(QUrl::fromLocalFile(dir)))
        statusBar()->showMessage(tr("Could not open %1").arg(QDir::toNativeSeparators(dir)), 6000);
}

void MainWindow::openSettings()
{
    auto* dlg = new SettingsDialog(m_manager->settings(), m_manager->rebroadcastAvailable(), this);
    dlg->setAttribute(Qt::WA_DeleteOnClose);
    connect(dlg, &QDialog::accepted, this, [this, dlg] {
        m_manager->setSettings(dlg->settings());
        updateStatusWidgets();
        statusBar()->showMessage(tr("Settings saved"), 3000);
    });
    dlg->open();
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, tr("About Vigil"),
                       tr("<h3>Vigil %1</h3>"
                          "<p>Watches many MJPEG network cameras at once, detects objects locally and "
                          "shows annotated live video with live statistics.</p>"
                          "<p>Built with Qt %2 and OpenCV.</p>"
                          "<p>Configuration: <code>%3</code></p>")
                           .arg(QStringLiteral(VIGIL_VERSION), QString::fromLatin1(qVersion()),
                                QDir::toNativeSeparators(m_manager->configPath()).toHtmlEscaped()));
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    m_manager->setWindowState(saveGeometry(), saveState());
    QMainWindow::closeEvent(event);
}

} // namespace vigil
