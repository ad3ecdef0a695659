#pragma once
// Live statistics of every camera (a table refreshed once a second) and the 60 s history chart of
// the selected camera.
#include <QHash>
#include <QList>
#include <QTimer>
#include <QWidget>

#include "stats_chart.h"

class QTableWidget;

namespace vigil {

class CameraManager;

class StatsPanel : public QWidget {
    Q_OBJECT
public:
    explicit StatsPanel(CameraManager* manager, QWidget* parent = nullptr);

    void setSelectedCamera(const QString& id);
    void refresh();                       // also runs once a second
    QTableWidget* table() const { return m_table; }
    StatsChart* chart() const { return m_chart; }
    QList<StatsSample> history(const QString& id) const { return m_history.value(id); }

signals:
    void cameraSelected(const QString& id);   // the user picked a row
    void cameraActivated(const QString& id);  // double-click: focus that camera

public:
    enum Column { Camera, State, ReadFps, OutFps, Processed, SkippedStride, Throttled, Superseded,
                  DecodeMs, InferMs, Motion, InferFps, Inferences, Gated, LatencyP50, LatencyP99, Reconnects, Detector, ColumnCount };

private:
    CameraManager* m_manager;
    QTableWidget* m_table;
    StatsChart* m_chart;
    QTimer m_timer;
    QString m_selected;
    QHash<QString, QList<StatsSample>> m_history;
};

} // namespace vigil
