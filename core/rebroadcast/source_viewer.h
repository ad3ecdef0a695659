#pragma once
// One client of /cameras/<id>/source.mjpeg: the camera's own frames, every one the reader read,
// bytes unchanged, with the camera's X-Timestamp. offer() is the camera's frame tap (reader
// thread): it only queues the frame's shared bytes and, when no wake-up is pending, posts one to
// the server thread, which writes them to the socket.
// Latest-wins: once the socket's unsent bytes reach the limit the viewer is behind, and a single
// frame waits, each newer one replacing it (counted as skipped). A viewer that keeps up gets every
// frame, even when the reader parses several from one read or the server thread was busy for a
// moment: up to kMaxQueued wait for the server thread then.
#include <QObject>
#include <QPointer>
#include <QTcpSocket>
#include <atomic>
#include <deque>
#include <mutex>

#include "common/frame.h"
#include "rebroadcast/client_stats.h"

namespace vigil {

class SourceViewer : public QObject {
    Q_OBJECT
public:
    // Writes the response head (it leaves once the server thread's event loop runs: after the
    // caller registered the tap). The socket stays owned by the HTTP server.
    SourceViewer(QTcpSocket* socket, const QString& cameraId, const QString& path, qint64 maxBacklogBytes,
                 QObject* parent = nullptr);
    ~SourceViewer() override;  // closes the connection if still open; the tap must be gone

    QString cameraId() const { return m_cameraId; }
    // Any thread, never blocks (reference counts under a lock the server thread holds as briefly).
    void offer(const EncodedFrame& frame);
    RebroadcastClientStats stats() const;  // server thread

signals:
    void finished();  // the client went away

private:
    static constexpr size_t kMaxQueued = 4;

    struct Slot {
        QByteArray jpeg;       // shared with the reader's frame: never copied
        PartHeaders headers;
    };
    void pump();  // server thread: sends waiting frames while the socket has room
    void finish();

    QPointer<QTcpSocket> m_socket;
    QString m_cameraId;
    QString m_path;
    QString m_peer;
    qint64 m_maxBacklog;
    qint64 m_maxSeenBacklog = 0;
    quint64 m_sent = 0;
    bool m_finished = false;

    std::mutex m_queueMutex;        // guards m_queue, m_behind (reader thread vs server thread)
    std::deque<Slot> m_queue;       // at most kMaxQueued; one while m_behind
    bool m_behind = false;          // the socket's backlog was at the limit when last looked at
    std::atomic<bool> m_wakePosted{false};  // at most one queued pump() at a time
    std::atomic<quint64> m_skipped{0};
};

} // namespace vigil
