#pragma once
// A thin strip under the focused camera: its events of the last 24 h as marks (coloured per
// label; an event in progress reaches to now), hour ticks in local time. Hover names a mark,
// a click on it emits its id. Reads at most kMaxEvents; marks closer than 2 px are merged.
#include <QList>
#include <QString>
#include <QStringList>
#include <QTimer>
#include <QWidget>
#include <memory>
#include <optional>

class QJsonObject;

namespace vigil {

class EventStore;
struct Event;

class EventTimeline : public QWidget {
    Q_OBJECT
public:
    explicit EventTimeline(QWidget* parent = nullptr);
    ~EventTimeline() override;

    void setEventsFolder(const QString& dir);
    void setCamera(const QString& id);
    // Reads the camera's events of the span again.
    void refresh();
    // A change from the event service (same shapes as EventListModel::applyEventChange).
    void applyEventChange(const QString& kind, const QJsonObject& event);

    // The strip ends at this time instead of now (tests, a paused view); nullopt: now.
    void setFixedNow(std::optional<double> epochS);
    void setSpanSeconds(double seconds);  // default 24 h
    double now() const;

    // One drawn mark: one event, or several merged because they are closer than 2 px.
    struct Mark {
        QStringList ids;       // newest first; a click picks the first
        QString label;         // of the first
        double start = 0;      // of the first
        double end = 0;        // the latest end of its events (now while one is in progress)
        int x0 = 0, x1 = 0;    // pixels, inclusive
    };
    QList<Mark> marks() const;  // laid out for the current width
    double xForTime(double epochS) const;
    // The mark at x (a few pixels of tolerance), if any.
    std::optional<Mark> markAt(int x) const;
    static QColor colourFor(const QString& label);
    QSize sizeHint() const override { return {600, 28}; }
    QSize minimumSizeHint() const override { return {100, 28}; }

    static constexpr int kMaxEvents = 1000;
    static constexpr double kMergePx = 2.0;

signals:
    void eventClicked(const QString& id);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    bool event(QEvent* event) override;

private:
    struct Item {
        QString id;
        QString label;
        double start = 0;
        std::optional<double> end;
    };
    void upsert(const Item& item);

    QString m_dir;
    QString m_camera;
    std::unique_ptr<EventStore> m_store;
    QList<Item> m_items;                 // newest first
    std::optional<double> m_fixedNow;
    double m_span = 86400.0;
    QTimer m_tick;                       // the strip moves with time
};

} // namespace vigil
