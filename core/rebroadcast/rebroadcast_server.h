#pragma once
// Rebroadcasts the annotated results of cameras to browsers and other programs, on one port:
// HTTP (viewer page, JSON API, snapshots, MJPEG restream, stored events) and WebSocket (/ws,
// /ws/<id>: frames, stats, event messages).
// Protocol: docs/rebroadcast.md.
//
// Threads: this object is the API and lives in its owner's thread (GUI or CLI main thread); all
// of it is called from there. The server itself (sockets, clients, encoding) runs in a QThread
// this object owns ("rebroadcast"), so viewers never cost the GUI thread anything. Frames come
// from the processing workers through one LatestFrameSink per camera, so the pipeline is never
// blocked either.
#include <QList>
#include <QObject>
#include <QThread>
#include <QUrl>
#include <memory>

#include "rebroadcast/client_stats.h"
#include "rebroadcast/rebroadcast_options.h"

namespace vigil {

class Camera;
class CameraRegistry;
class EventService;
class MqttStatusBoard;
class ServerCore;

class RebroadcastServer : public QObject {
    Q_OBJECT
public:
    explicit RebroadcastServer(QObject* parent = nullptr);
    ~RebroadcastServer() override;

    bool start(const RebroadcastOptions& options, QString* error);  // clear error e.g. port in use
    void stop();
    bool isRunning() const { return m_port != 0; }
    quint16 port() const { return m_port; }
    QUrl viewerUrl() const;                 // http://<address>:<port>/ (with ?token=... when set)

    // Not owned. After removeCamera() returns, the server never touches the camera again (no
    // delivery to its feed, no getter): call it before deleting a camera. Never blocks on the
    // server thread.
    void addCamera(Camera* camera);
    void removeCamera(Camera* camera);
    int clientCount() const;

    // Serves the service's events (/api/events..., event messages on /ws): not owned, null to
    // detach. Any time, running or not; waits for the server thread, and for deletes still in
    // flight through the previous service, so that one may be destroyed once this returns. Detach
    // (or destroy the server) before the service is destroyed.
    void setEventService(EventService* service);
    // Where /api/stats reads the MQTT status (null: "off").
    void setMqttStatusBoard(std::shared_ptr<const MqttStatusBoard> board);

    // Per-client delivery counters (also at GET /api/clients). Waits for the server thread.
    QList<RebroadcastClientStats> clientStats() const;
    RebroadcastOptions options() const { return m_options; }

signals:
    void clientsChanged(int count);

private:
    void forget(Camera* camera, bool cameraAlive);

    RebroadcastOptions m_options;
    quint16 m_port = 0;
    std::shared_ptr<CameraRegistry> m_registry;
    QThread m_thread;
    ServerCore* m_core = nullptr;           // lives in m_thread
};

} // namespace vigil
