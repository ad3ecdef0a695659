#pragma once
// Per-client delivery counters, reported by RebroadcastServer::clientStats() and /api/clients.
#include <QJsonObject>
#include <QString>

namespace vigil {

struct RebroadcastClientStats {
    QString kind;            // "ws" or "mjpeg"
    QString path;            // request path, without the query (no token)
    QString peer;            // remote address:port
    bool binary = false;     // ws: VGL1 binary frames
    quint64 framesSent = 0;
    quint64 framesSuperseded = 0;  // pending frame replaced by a newer one (client too slow)
    qint64 backlogBytes = 0;     // queued but not yet written to the network
    qint64 maxBacklogBytes = 0;  // high-water mark of backlogBytes
    quint64 eventsSent = 0;      // ws: event messages
    quint64 eventsDropped = 0;   // ws: event messages dropped while the client was too slow
    QJsonObject toJson() const;
};

} // namespace vigil
