#pragma once
// Mirrors a remote node's events into the local store (EventService::importEvent), so the events
// panel shows them with the local ones. Live from the node's WebSocket (`/ws?frames=0`: event
// messages only), and on each (re)connect the last 24 h from `GET /api/events`, for what was
// missed. When an event has ended, its track, thumbnail and clean snapshot are fetched (bounded)
// and stored with it; clips stay on the node. Deletes on the node are not mirrored: like a removed
// local camera's, imported events stay until the local retention removes them.
//
// Local ids: "<node>.<remote id>", so two nodes' events never share an id. Lives in the thread
// that created it.
#include <QHash>
#include <QList>
#include <QObject>
#include <QSet>
#include <QTimer>
#include <functional>
#include <memory>

#include "events/event.h"
#include "remote/remote_node_config.h"

class QNetworkAccessManager;
class QWebSocket;

namespace vigil {

class EventService;
class EventStore;

class RemoteEventMirror : public QObject {
    Q_OBJECT
public:
    // The local camera id of a remote camera id.
    using CameraMap = std::function<QString(const QString& remoteCameraId)>;
    RemoteEventMirror(const RemoteNodeConfig& node, EventService* events, CameraMap cameraMap,
                      QObject* parent = nullptr);
    ~RemoteEventMirror() override;

    void start();
    void stop();
    bool isConnected() const { return m_connected; }
    quint64 importedCount() const { return m_imported; }
    quint64 droppedCount() const { return m_dropped; }

    // "<node>.<remote id>" with the node name reduced to [A-Za-z0-9_]; empty when too long.
    static QString localEventId(const QString& nodeName, const QString& remoteEventId);

    static constexpr double kBackfillS = 24 * 3600;
    static constexpr int kBackfillLimit = 200;
    static constexpr int kMaxEventsPerMinute = 600;       // beyond: dropped (the next backfill has them)
    static constexpr int kMaxQueuedDownloads = 256;
    static constexpr qint64 kMaxListBytes = 2 * 1024 * 1024;
    static constexpr qint64 kMaxEventBytes = 512 * 1024;  // one event with its track (300 points)
    static constexpr qint64 kMaxThumbnailBytes = 512 * 1024;
    static constexpr qint64 kMaxSnapshotBytes = 8 * 1024 * 1024;
    static constexpr qint64 kMaxMessageBytes = 1024 * 1024;

signals:
    void connectedChanged(bool connected);

private:
    void openSocket();
    void onConnected();
    void onDisconnected();
    void onMessage(const QString& text);
    void backfill();
    // `live`: from the WebSocket (its pictures are fetched before the backfill's).
    void onRemoteEvent(const Event& remote, bool live);
    bool admit();
    Event toLocal(const Event& remote) const;
    void import(const Event& remote, const QByteArray& thumbnail = {}, const QByteArray& snapshot = {});
    void queuePictures(const QString& remoteId, bool first);
    void nextDownload();
    void finishDownload(const Event& remote, const QByteArray& thumbnail, const QByteArray& snapshot);
    EventStore* localStore();

    RemoteNodeConfig m_node;
    EventService* m_events;
    CameraMap m_cameraMap;
    QNetworkAccessManager* m_nam;
    QWebSocket* m_socket = nullptr;
    std::unique_ptr<EventStore> m_store;   // read-only, this thread's: what is already imported
    QTimer m_retry;
    int m_attempt = 0;
    bool m_running = false;
    bool m_connected = false;
    QList<QString> m_downloads;            // remote ids whose pictures are wanted, next first
    QHash<QString, Event> m_latest;        // queued or downloading: remote id -> the latest state heard
    bool m_downloading = false;
    qint64 m_windowStartMs = 0;
    int m_windowCount = 0;
    quint64 m_imported = 0;
    quint64 m_dropped = 0;
};

} // namespace vigil
