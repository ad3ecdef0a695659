#pragma once
// The main window: camera grid (or the empty state), live stats and tuning docks, menus, toolbar
// and status bar. Cameras and settings live in the CameraManager; this is only the view.
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QMainWindow>
#include <QThreadPool>
#include <QTimer>

#include "event_notifier.h"
#include "processing/snapshot_writer.h"

class QAction;
class QDockWidget;
class QLabel;
class QMenu;
class QStackedWidget;
class QSystemTrayIcon;

namespace vigil {

class Camera;
class CameraDialog;
class CameraGrid;
class CameraManager;
class EmptyState;
class RemoteNode;
class RemoteNodeDialog;
class StatsPanel;
class EventsPanel;
class EventTimeline;
class ClipPlayerWindow;
class TuningPanel;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(CameraManager* manager, QWidget* parent = nullptr);
    ~MainWindow() override;

    CameraGrid* grid() const { return m_grid; }
    StatsPanel* statsPanel() const { return m_stats; }
    TuningPanel* tuningPanel() const { return m_tuning; }
    QDockWidget* statsDock() const { return m_statsDock; }
    EventsPanel* eventsPanel() const { return m_eventsPanel; }
    QDockWidget* eventsDock() const { return m_eventsDock; }
    EventTimeline* timeline() const { return m_timeline; }
    bool showingEmptyState() const;

    // Opens the Add / Edit dialog (window-modal, non-blocking); the camera is added or updated
    // when it is accepted.
    CameraDialog* openAddCameraDialog();
    CameraDialog* openEditCameraDialog(const QString& id);
    void confirmRemoveCamera(const QString& id);
    // Remote Vigil nodes: the Add dialog (window-modal; added when accepted), and removal after
    // a confirmation. The File menu's "Remote nodes" lists them with their state.
    RemoteNodeDialog* openAddRemoteNodeDialog();
    void confirmRemoveRemoteNode(const QString& name);
    QMenu* remoteNodesMenu() const { return m_remoteMenu; }
    void startDemo();

    // Snapshots run off the GUI thread; snapshotsFinished() reports the outcome.
    void snapshotCamera(const QString& id);
    void snapshotSelected();
    void snapshotAll();
    QList<SnapshotResult> lastSnapshotResults() const { return m_lastSnapshots; }

    void openSettings();
    void showAbout();

    // Opens an event: the events panel shows it (from a notification, the timeline, a tile).
    void openEvent(const QString& eventId);
    // Plays an event's clip in a player window; says why in the status bar when it cannot. A
    // remote node's clip is fetched first (null then; the player opens when it has arrived).
    ClipPlayerWindow* playEventClip(const QString& eventId);
    EventNotifier* notifier() const { return m_notifier; }

signals:
    void snapshotsFinished(int written, int failed);
    void eventOpened(const QString& eventId);

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void buildActions();
    void buildMenus();
    void buildToolBar();
    void buildDocks();
    void buildStatusBar();
    void onCameraAdded(Camera* camera);
    void onCameraRemoved(const QString& id);
    void onSelectionChanged(const QString& id);
    void updateEmptyState();
    void updateActions();
    void updateStatusWidgets();
    void writeSnapshots(const QList<Camera*>& cameras);
    void openSnapshotFolder();
    void onEventChanged(const QString& kind, const QJsonObject& event);
    void updateEventsPanelCameras();
    void onFocusChanged(const QString& id);
    void showNotification(const EventNotifier::Notification& notification);
    void rebuildRemoteNodesMenu();
    void watchRemoteNode(RemoteNode* node);

    CameraManager* m_manager;
    QStackedWidget* m_stack;
    EmptyState* m_empty;
    CameraGrid* m_grid;
    StatsPanel* m_stats;
    TuningPanel* m_tuning;
    QDockWidget* m_statsDock = nullptr;
    QDockWidget* m_tuningDock = nullptr;
    EventsPanel* m_eventsPanel = nullptr;
    QDockWidget* m_eventsDock = nullptr;
    EventTimeline* m_timeline = nullptr;   // under the focused camera
    QLabel* m_countLabel;
    QLabel* m_rebroadcastLabel;
    QLabel* m_mqttLabel;
    QTimer m_statusTimer;
    QThreadPool m_snapshotPool;
    int m_snapshotsPending = 0;
    int m_wasEmpty = -1;              // -1: not shown yet
    QList<SnapshotResult> m_lastSnapshots;
    // Events in progress per camera: event id -> label (for the tiles).
    QHash<QString, QHash<QString, QString>> m_activeEvents;
    EventNotifier* m_notifier = nullptr;
    QSystemTrayIcon* m_tray = nullptr;   // created with the first notification
    QString m_notifiedEvent;             // what a click on the tray message opens

    QAction* m_addAction = nullptr;
    QAction* m_editAction = nullptr;
    QAction* m_removeAction = nullptr;
    QAction* m_snapshotAction = nullptr;
    QAction* m_snapshotAllAction = nullptr;
    QAction* m_openFolderAction = nullptr;
    QAction* m_settingsAction = nullptr;
    QAction* m_quitAction = nullptr;
    QAction* m_focusAction = nullptr;
    QAction* m_gridAction = nullptr;
    QAction* m_demoAction = nullptr;
    QAction* m_aboutAction = nullptr;
    QAction* m_addRemoteAction = nullptr;
    QMenu* m_remoteMenu = nullptr;
};

} // namespace vigil
