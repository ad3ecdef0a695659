#pragma once
// Decides which event starts become desktop notifications: only for cameras that asked for them
// ("notify"), at most one per camera and label per interval (a person pacing in and out must not
// flood the desktop). The picture is the event's thumbnail once written (it follows the event by
// a moment), else the camera's latest frame. Showing it (system tray) is the window's job.
#include <QElapsedTimer>
#include <QHash>
#include <QImage>
#include <QJsonObject>
#include <QObject>
#include <functional>

namespace vigil {

class EventNotifier : public QObject {
    Q_OBJECT
public:
    struct Notification {
        QString eventId;
        QString cameraId;
        QString title;       // "Person — Back yard"
        QString message;     // "14:03:22 · in driveway"
        QImage picture;      // may be null
    };
    explicit EventNotifier(QObject* parent = nullptr);

    // Whether a camera wants notifications (its config's "notify").
    void setWantsNotifications(std::function<bool(const QString& cameraId)> wants) { m_wants = std::move(wants); }
    // A picture for an event: its thumbnail file, else the camera's frame; null when none.
    void setPictureSource(std::function<QImage(const QString& eventId, const QString& cameraId)> source)
    {
        m_picture = std::move(source);
    }
    void setMinIntervalMs(qint64 ms) { m_minIntervalMs = ms; }
    void setPictureDelayMs(int ms) { m_pictureDelayMs = ms; }
    quint64 suppressed() const { return m_suppressed; }

    // From EventService::eventChanged (queued to this thread).
    void onEventChanged(const QString& kind, const QJsonObject& event);

    static constexpr qint64 kDefaultMinIntervalMs = 60'000;

signals:
    void notify(const vigil::EventNotifier::Notification& notification);

private:
    std::function<bool(const QString&)> m_wants;
    std::function<QImage(const QString&, const QString&)> m_picture;
    QHash<QString, qint64> m_lastShownMs;   // "camera\nlabel" -> m_clock ms
    QElapsedTimer m_clock;
    qint64 m_minIntervalMs = kDefaultMinIntervalMs;
    int m_pictureDelayMs = 1500;
    quint64 m_suppressed = 0;
};

} // namespace vigil
