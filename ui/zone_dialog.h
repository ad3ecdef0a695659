#pragma once
// Edits a camera's event zones and the labels that make events, on a live still of the camera
// (refreshed once a second) with its current detections drawn, so the user sees what falls inside.
// The motion masks are shown under the zones (read-only), since both shape what is recorded.
#include <QDialog>
#include <QTimer>

#include "events/zone.h"
#include "frame_still.h"

class QCheckBox;
class QLabel;
class QListWidget;
class QListWidgetItem;
class QPushButton;

namespace vigil {

class PolygonEditor;

class ZoneDialog : public QDialog {
    Q_OBJECT
public:
    ZoneDialog(const QList<Zone>& zones, const QStringList& labels, const QList<QPolygonF>& masks,
               FrameSource source, const QImage& fallback, QWidget* parent = nullptr);

    QList<Zone> zones() const;
    QStringList labels() const;        // in the order of the label list
    PolygonEditor* editor() const { return m_editor; }
    QListWidget* zoneList() const { return m_zoneList; }
    QListWidget* labelList() const { return m_labelList; }
    void refreshFrame();               // also runs once a second

    // Common labels first (what cameras usually watch for), then the rest of COCO.
    static QStringList labelChoices(const QStringList& current);

private:
    void syncListFromEditor();
    void onItemChanged(QListWidgetItem* item);
    QString uniqueName(const QString& wanted, int except) const;

    StillFeed m_feed;
    bool m_syncing = false;
    QList<bool> m_required;            // per polygon, follows the editor
    PolygonEditor* m_editor;
    QListWidget* m_zoneList;
    QListWidget* m_labelList;
    QPushButton* m_delete;
    QCheckBox* m_showDetections;
    QLabel* m_status;
    QTimer m_timer;
};

} // namespace vigil
