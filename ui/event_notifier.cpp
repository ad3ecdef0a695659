#include "event_notifier.h"

#include <QDateTime>
#include <QJsonArray>
#include <QTimer>

namespace vigil {

EventNotifier::EventNotifier(QObject* parent) : QObject(parent) { m_clock.start(); }

void EventNotifier::onEventChanged(const QString& kind, const QJsonObject& event)
{
    if (kind != QLatin1String("new"))
        return;
    const QString camera = event.value("camera").toString();
    const QString label = event.value("label").toString();
    const QString id = event.value("id").toString();
    if (camera.isEmpty() || id.isEmpty() || !m_wants || !m_wants(camera))
        return;
    const QString key = camera + QLatin1Char('\n') + label;
    const qint64 now = m_clock.elapsed();
    const auto last = m_lastShownMs.constFind(key);
    if (last != m_lastShownMs.cend() && now - *last < m_minIntervalMs) {
        ++m_suppressed;
        return;
    }
    m_lastShownMs.insert(key, now);

    Notification n;
    n.eventId = id;
    n.cameraId = camera;
    const QString cameraName = event.value("camera_name").toString(camera);
    QString what = label;
    if (!what.isEmpty())
        what[0] = what[0].toUpper();
    n.title = tr("%1 — %2").arg(what, cameraName);
    const QDateTime start = QDateTime::fromMSecsSinceEpoch(qint64(event.value("start_time").toDouble() * 1000));
    n.message = start.toLocalTime().toString(QStringLiteral("HH:mm:ss"));
    QStringList zones;
    for (const QJsonValue& z : event.value("zones").toArray())
        zones << z.toString();
    if (!zones.isEmpty())
        n.message += tr(" · in %1").arg(zones.join(QStringLiteral(", ")));
    n.message += tr("\nClick to open the event.");
    // The thumbnail is written just after the event starts: wait a moment for it.
    QTimer::singleShot(m_pictureDelayMs, this, [this, n]() mutable {
        if (m_picture)
            n.picture = m_picture(n.eventId, n.cameraId);
        emit notify(n);
    });
}

} // namespace vigil
