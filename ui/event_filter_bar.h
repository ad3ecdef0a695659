#pragma once
// The events list's filters: camera, label, zone, time range (local time) and "in progress only".
// Emits the resulting query whenever one changes.
#include <QDateTime>
#include <QList>
#include <QPair>
#include <QTimer>
#include <QWidget>

#include "events/event_store.h"

class QCheckBox;
class QComboBox;
class QDateTimeEdit;
class QLabel;

namespace vigil {

class EventFilterBar : public QWidget {
    Q_OBJECT
public:
    enum class TimeRange { Any, Today, Last24h, Custom };

    explicit EventFilterBar(QWidget* parent = nullptr);

    // The choices ("Any …" is always first and keeps its place). Cameras: (id, display name).
    // The current choice stays selected when it is still offered; no signal is emitted.
    void setCameras(const QList<QPair<QString, QString>>& cameras);
    void setLabels(const QStringList& labels);
    void setZones(const QStringList& zones);
    // Adds one value when it is not offered yet (a live event brought a new one).
    void addCamera(const QString& id, const QString& name);
    void addLabel(const QString& label);
    void addZone(const QString& zone);

    void setCamera(const QString& id);        // "" = any
    void setLabel(const QString& label);
    void setZone(const QString& zone);
    void setTimeRange(TimeRange range);
    void setCustomRange(const QDateTime& from, const QDateTime& to);
    void setInProgressOnly(bool on);

    // The query for the current choices; now: epoch seconds ("Today", "Last 24 h" are relative).
    EventQuery query(double now) const;
    EventQuery query() const;
    // Local midnight that starts the calendar day of `now` (epoch seconds).
    static double localMidnight(double now);
    // "Times in CET (UTC+01:00)" for the local zone at `at`.
    static QString zoneNote(const QDateTime& at);

    QComboBox* cameraBox() const { return m_camera; }
    QComboBox* labelBox() const { return m_label; }
    QComboBox* zoneBox() const { return m_zone; }
    QComboBox* timeBox() const { return m_time; }
    QDateTimeEdit* fromEdit() const { return m_from; }
    QDateTimeEdit* toEdit() const { return m_to; }
    QLabel* zoneLabel() const { return m_zoneNote; }
    QCheckBox* inProgressBox() const { return m_inProgress; }

signals:
    void filterChanged(const vigil::EventQuery& query);

private:
    void changed();
    void updateCustomVisibility();
    void armMidnight();
    static void fill(QComboBox* box, const QList<QPair<QString, QString>>& items);
    static void addItem(QComboBox* box, const QString& value, const QString& text);

    QComboBox* m_camera;
    QComboBox* m_label;
    QComboBox* m_zone;
    QComboBox* m_time;
    QWidget* m_custom;
    QDateTimeEdit* m_from;
    QDateTimeEdit* m_to;
    QLabel* m_zoneNote;
    QCheckBox* m_inProgress;
    QTimer m_midnight;  // "Today" becomes a new day at local midnight
};

} // namespace vigil
