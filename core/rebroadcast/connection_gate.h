#pragma once
// The listening socket of the rebroadcast server, in front of Qt's HTTP server. Per connection it
// enforces the per-peer limit at accept time, then reads the request head itself (bounded by
// limits.maxRequestHeaderBytes) and lets Qt see the bytes only once checkRequest() accepted them.
// Anything refused is answered (4xx/5xx), never buffered further, and closed; one request per
// connection (responses say "Connection: close"), so the check sees every request.
#include <QHash>
#include <QPointer>
#include <QTcpServer>

#include "rebroadcast/rejection_log.h"
#include "rebroadcast/request_policy.h"

namespace vigil {

class ConnectionGate : public QTcpServer {
    Q_OBJECT
public:
    explicit ConnectionGate(const RequestPolicy& policy, QObject* parent = nullptr);

    const RequestPolicy& policy() const { return m_policy; }
    RejectionLog& rejections() { return m_log; }  // also for refusals decided elsewhere (WebSocket token)
    int openConnections(const QString& peer) const { return m_perPeer.value(peer); }

    // Answers `status` with `reason`, discards whatever the peer sends, closes. Qt never sees it.
    void refuse(QTcpSocket* socket, int status, const QByteArray& reason, const QByteArray& kind,
                const QByteArray& path = {});

protected:
    void incomingConnection(qintptr handle) override;

private:
    friend class RequestGate;
    void release(const QString& peer);
    void log(const QTcpSocket* socket, int status, const QByteArray& reason, const QByteArray& kind,
             const QByteArray& path = {});

    RequestPolicy m_policy;
    RejectionLog m_log;
    QHash<QString, int> m_perPeer;  // open connections per peer address
};

// One connection's pre-check (a child of its socket). Reads the head inside a socket transaction,
// so Qt's slot, connected after this one, reads nothing until the head is complete and accepted;
// then the transaction is rolled back and Qt reads the same bytes.
class RequestGate : public QObject {
    Q_OBJECT
public:
    RequestGate(QTcpSocket* socket, ConnectionGate* server, const QString& peer);
    ~RequestGate() override;

private:
    void onReadyRead();
    void releaseOnce();

    QTcpSocket* m_socket;
    QPointer<ConnectionGate> m_server;
    QString m_peer;
    QByteArray m_head;
    bool m_passed = false;
    bool m_released = false;
};

QByteArray httpReasonPhrase(int status);

} // namespace vigil
