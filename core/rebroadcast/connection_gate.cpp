#include "rebroadcast/connection_gate.h"

#include <QPointer>
#include <QTcpSocket>
#include <QTimer>

#include "common/log.h"

namespace vigil {

namespace {
constexpr int kDiscardBufferBytes = 4096;
constexpr int kCloseGraceMs = 2000;  // then abort, even if the peer never reads our answer
} // namespace

QByteArray httpReasonPhrase(int status)
{
    switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Error";
    }
}

ConnectionGate::ConnectionGate(const RequestPolicy& policy, QObject* parent)
    : QTcpServer(parent), m_policy(policy)
{
}

void ConnectionGate::incomingConnection(qintptr handle)
{
    auto* socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(handle)) {
        delete socket;
        return;
    }
    const QString peer = socket->peerAddress().toString();
    int& open = m_perPeer[peer];
    if (open >= m_policy.limits.maxConnectionsPerPeer) {
        if (open == 0)
            m_perPeer.remove(peer);
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        refuse(socket, 503, "too many connections from this address", "connections");
        return;
    }
    ++open;
    new RequestGate(socket, this, peer);  // connects to readyRead before Qt's server does
    addPendingConnection(socket);
}

void ConnectionGate::release(const QString& peer)
{
    auto it = m_perPeer.find(peer);
    if (it != m_perPeer.end() && --*it <= 0)
        m_perPeer.erase(it);
}

void ConnectionGate::log(const QTcpSocket* socket, int status, const QByteArray& reason,
                         const QByteArray& kind, const QByteArray& path)
{
    const QString peer = socket->peerAddress().toString();
    if (!m_log.shouldLog(peer, kind))
        return;
    if (kind == "token") {
        // The path only: a query could hold a (wrong) token.
        qCWarning(lcServer).noquote() << "rebroadcast: refused HTTP request without a valid token from"
                                      << peer << QString::fromLatin1(path);
        return;
    }
    qCWarning(lcServer).noquote() << QStringLiteral("rebroadcast: refused %1 from %2: %3 (%4); further refusals "
                                                    "of this kind from this address are not logged")
                                         .arg(QString::fromLatin1(kind), peer, QString::fromLatin1(reason))
                                         .arg(status);
}

void ConnectionGate::refuse(QTcpSocket* socket, int status, const QByteArray& reason, const QByteArray& kind,
                            const QByteArray& path)
{
    log(socket, status, reason, kind, path);
    // No other reader (Qt's parser included) sees another byte of this connection.
    QObject::disconnect(socket, &QTcpSocket::readyRead, nullptr, nullptr);
    if (socket->isTransactionStarted())
        socket->commitTransaction();
    socket->setReadBufferSize(kDiscardBufferBytes);
    socket->readAll();
    connect(socket, &QTcpSocket::readyRead, socket, [socket] { socket->skip(socket->bytesAvailable()); });
    QByteArray extra;
    if (status == 401)
        extra = "WWW-Authenticate: Bearer\r\n";
    const QByteArray body = reason + '\n';
    socket->write("HTTP/1.1 " + QByteArray::number(status) + ' ' + httpReasonPhrase(status) + "\r\n"
                  "Content-Type: text/plain\r\nCache-Control: no-store\r\nConnection: close\r\n" + extra
                  + "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body);
    socket->disconnectFromHost();
    QTimer::singleShot(kCloseGraceMs, socket, [socket] { socket->abort(); });
}

RequestGate::RequestGate(QTcpSocket* socket, ConnectionGate* server, const QString& peer)
    : QObject(socket), m_socket(socket), m_server(server), m_peer(peer)
{
    // The kernel holds back what does not fit: a head never costs more than this.
    socket->setReadBufferSize(server->policy().limits.maxRequestHeaderBytes + 1024);
    connect(socket, &QTcpSocket::readyRead, this, &RequestGate::onReadyRead);
    connect(socket, &QTcpSocket::disconnected, this, &RequestGate::releaseOnce);
}

RequestGate::~RequestGate() { releaseOnce(); }

void RequestGate::releaseOnce()
{
    if (m_released)
        return;
    m_released = true;
    if (m_server)
        m_server->release(m_peer);
}

void RequestGate::onReadyRead()
{
    if (!m_server)
        return;
    ConnectionGate* server = m_server;
    if (m_passed) {
        // Bytes after the one request of this connection (responses said Connection: close).
        server->refuse(m_socket, 400, "one request per connection", "pipelining");
        return;
    }
    if (!m_socket->isTransactionStarted())
        m_socket->startTransaction();
    m_head += m_socket->readAll();
    const RequestPolicy& policy = server->policy();
    const HeadParse parsed = parseRequestHead(m_head, policy.limits.maxRequestHeaderBytes);
    if (parsed.state == HeadParse::Incomplete)
        return;  // Qt's slot reads nothing: the bytes are inside this transaction
    if (parsed.state == HeadParse::Invalid) {
        server->refuse(m_socket, parsed.status, parsed.error, "malformed");
        return;
    }
    const RequestVerdict verdict = checkRequest(parsed.head, policy);
    if (!verdict.accepted()) {
        server->refuse(m_socket, verdict.status, verdict.reason, verdict.kind, parsed.head.path());
        return;
    }
    if (m_head.size() > parsed.head.headBytes) {
        server->refuse(m_socket, 400, "pipelined requests are not supported", "pipelining");
        return;
    }
    m_passed = true;
    m_head.clear();
    if (verdict.webSocket)
        m_socket->setReadBufferSize(0);  // QWebSocket applies its own message and frame limits
    m_socket->rollbackTransaction();     // Qt's slot, next, reads the whole head
}

} // namespace vigil
