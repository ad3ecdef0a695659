#include "demo/esp32_camera_server.h"

#include <QDateTime>
#include <QPointer>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslServer>
#include <QTcpServer>
#include <QTcpSocket>
#include <algorithm>

#include "common/log.h"
#include "demo/scene_renderer.h"

namespace vigil {

namespace {
// Exactly what the ESP32-CAM CameraWebServer example sends.
constexpr char kBoundary[] = "123456789000000000000987654321";
const QByteArray kStreamBoundary = QByteArrayLiteral("\r\n--123456789000000000000987654321\r\n");

QByteArray chunk(const QByteArray& data)
{
    return QByteArray::number(data.size(), 16) + "\r\n" + data + "\r\n";
}
} // namespace

struct Esp32CameraServer::Client {
    QPointer<QTcpSocket> socket;
    bool gone = false;  // disconnected: skipped everywhere until sweepClients() deletes it
    QByteArray request;
    bool streaming = false;
    bool chunked = true;
    int framesSent = 0;
    bool stalled = false;
};

Esp32CameraServer::Esp32CameraServer(QObject* parent) : Esp32CameraServer(Options{}, parent) {}

Esp32CameraServer::Esp32CameraServer(const Options& options, QObject* parent)
    : QObject(parent), m_options(options), m_timer(this)
{
    m_timer.setTimerType(Qt::PreciseTimer);
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &Esp32CameraServer::onTick);
}

Esp32CameraServer::~Esp32CameraServer() { close(); }

void Esp32CameraServer::setOptions(const Options& options)
{
    const bool framesChanged = options.size != m_options.size || options.quality != m_options.quality ||
                               options.loopFrames != m_options.loopFrames;
    m_options = options;
    if (framesChanged)
        m_frames.clear();
}

Esp32CameraServer::Options Esp32CameraServer::options() const { return m_options; }

void Esp32CameraServer::setFrames(const QList<QByteArray>& jpegs)
{
    m_frames = jpegs;
    m_firstFrameTick = m_tick;  // the new sequence plays from its first frame
}

void Esp32CameraServer::ensureFrames()
{
    if (m_frames.isEmpty())
        m_frames = renderDemoLoop(m_options.size, std::max(1, m_options.loopFrames), m_options.quality);
}

bool Esp32CameraServer::listen(const QHostAddress& address, quint16 port)
{
    ensureFrames();
    if (!m_server) {
        if (!m_options.tlsCertificatePem.isEmpty()) {
            auto* tls = new QSslServer(this);
            QSslConfiguration conf = QSslConfiguration::defaultConfiguration();
            conf.setLocalCertificate(QSslCertificate(m_options.tlsCertificatePem));
            conf.setPrivateKey(QSslKey(m_options.tlsKeyPem, QSsl::Rsa));
            conf.setPeerVerifyMode(QSslSocket::VerifyNone);
            tls->setSslConfiguration(conf);
            m_server = tls;
        } else {
            m_server = new QTcpServer(this);
        }
        // pendingConnectionAvailable fires for TLS sockets only once encrypted.
        connect(m_server, &QTcpServer::pendingConnectionAvailable, this, &Esp32CameraServer::onNewConnection);
    }
    if (!m_server->listen(address, port))
        return false;
    m_clock.start();
    m_tick = 0;
    m_firstFrameTick = 0;
    m_timer.start(0);
    return true;
}

void Esp32CameraServer::close()
{
    m_timer.stop();
    if (m_server)
        m_server->close();
    const QList<Client*> clients = m_clients;
    m_clients.clear();
    for (Client* c : clients) {
        if (c->socket) {
            c->socket->disconnect(this);
            c->socket->abort();
            c->socket->deleteLater();
        }
        delete c;
    }
}

void Esp32CameraServer::sweepClients()
{
    for (qsizetype i = m_clients.size() - 1; i >= 0; --i)
        if (m_clients[i]->gone)
            delete m_clients.takeAt(i);
}

bool Esp32CameraServer::isListening() const { return m_server && m_server->isListening(); }
quint16 Esp32CameraServer::port() const { return m_server ? m_server->serverPort() : 0; }

QUrl Esp32CameraServer::url() const
{
    const char* scheme = m_options.tlsCertificatePem.isEmpty() ? "http" : "https";
    return QUrl(QStringLiteral("%1://127.0.0.1:%2%3").arg(scheme).arg(port()).arg(m_options.path));
}

int Esp32CameraServer::clientCount() const
{
    return int(std::count_if(m_clients.begin(), m_clients.end(), [](const Client* c) { return !c->gone; }));
}
quint64 Esp32CameraServer::framesSent() const { return m_sent; }

void Esp32CameraServer::onNewConnection()
{
    while (QTcpSocket* socket = m_server->nextPendingConnection()) {
        auto* client = new Client;
        client->socket = socket;
        m_clients << client;
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onClientReadyRead(socket); });
        connect(socket, &QTcpSocket::disconnected, this, [this, client, socket] {
            // Often emitted inside a write/flush/disconnectFromHost on this very client (onTick,
            // sendFrame): deleting it here would leave them writing to freed memory.
            client->gone = true;
            socket->deleteLater();
            QMetaObject::invokeMethod(this, &Esp32CameraServer::sweepClients, Qt::QueuedConnection);
        });
    }
}

void Esp32CameraServer::onClientReadyRead(QTcpSocket* socket)
{
    Client* client = nullptr;
    for (Client* c : std::as_const(m_clients))
        if (c->socket == socket && !c->gone)
            client = c;
    if (!client || client->streaming)
        return;
    client->request += socket->readAll();
    const int end = client->request.indexOf("\r\n\r\n");
    if (end < 0) {
        if (client->request.size() > 16384)
            socket->abort();
        return;
    }
    const QList<QByteArray> lines = client->request.left(end).split('\n');
    const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
    const QByteArray path = requestLine.value(1);

    auto respond = [socket](const QByteArray& status, const QByteArray& headers, const QByteArray& body) {
        socket->write("HTTP/1.1 " + status + "\r\n" + headers + "Content-Length: " +
                      QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
        socket->disconnectFromHost();
    };

    if (!m_options.user.isEmpty()) {
        const QByteArray expected =
            "Basic " + (m_options.user + ":" + m_options.password).toUtf8().toBase64();
        bool ok = false;
        for (const QByteArray& line : lines) {
            const int colon = line.indexOf(':');
            if (colon > 0 && line.left(colon).trimmed().toLower() == "authorization")
                ok = line.mid(colon + 1).trimmed() == expected;
        }
        if (!ok) {
            respond("401 Unauthorized", "WWW-Authenticate: Basic realm=\"camera\"\r\nContent-Type: text/plain\r\n",
                    "Unauthorized");
            return;
        }
    }
    if (!m_options.redirectFrom.isEmpty() && path == m_options.redirectFrom.toUtf8()) {
        respond("302 Found", "Location: " + m_options.path.toUtf8() + "\r\n", {});
        return;
    }
    if (m_options.mode == Mode::NotFound || (path != m_options.path.toUtf8() && !path.startsWith(m_options.path.toUtf8() + "?"))) {
        respond("404 Not Found", "Content-Type: text/plain\r\n", "Not Found");
        return;
    }
    if (m_options.mode == Mode::NotMultipart) {
        respond("200 OK", "Content-Type: text/html\r\n", "<html><body>Camera settings</body></html>");
        return;
    }
    client->streaming = true;
    client->chunked = m_options.chunked;
    QByteArray head = "HTTP/1.1 200 OK\r\nContent-Type: multipart/x-mixed-replace;boundary=";
    head += kBoundary;
    head += "\r\n";
    if (client->chunked)
        head += "Transfer-Encoding: chunked\r\n";
    head += "Access-Control-Allow-Origin: *\r\nX-Framerate: 60\r\n\r\n";
    socket->write(head);
}

void Esp32CameraServer::onTick()
{
    if (!isListening())
        return;
    ensureFrames();
    const QByteArray& jpeg = m_frames[qsizetype((m_tick - m_firstFrameTick) % quint64(m_frames.size()))];
    // By index: nothing is removed while we write (see sweepClients), but be safe if one is added.
    for (qsizetype i = 0; i < m_clients.size(); ++i) {
        Client* c = m_clients[i];
        if (c->gone || !c->streaming || c->stalled || !c->socket)
            continue;
        // A client that can't keep up misses frames instead of buffering them.
        if (c->socket->bytesToWrite() > m_options.maxClientBacklog)
            continue;
        sendFrame(*c, jpeg);
    }
    ++m_tick;
    // Deadline-based schedule: the frame rate does not drift with timer latency.
    const qint64 intervalNs = qint64(1e9 / std::max(0.1, m_options.fps));
    const qint64 nextNs = qint64(m_tick) * intervalNs;
    const qint64 waitMs = (nextNs - m_clock.nsecsElapsed()) / 1000000;
    m_timer.start(int(std::max<qint64>(0, waitMs)));
}

void Esp32CameraServer::sendFrame(Client& client, const QByteArray& jpeg)
{
    const qint64 us = QDateTime::currentMSecsSinceEpoch() * 1000;
    const QByteArray part = "Content-Type: image/jpeg\r\nContent-Length: " + QByteArray::number(jpeg.size()) +
                            "\r\nX-Timestamp: " + QByteArray::number(us / 1000000) + "." +
                            QByteArray::number(us % 1000000).rightJustified(6, '0') + "\r\n\r\n";
    auto send = [&](const QByteArray& data) {
        client.socket->write(client.chunked ? chunk(data) : data);
    };
    if (m_options.mode == Mode::DieMidFrame && client.framesSent >= m_options.dieAfterFrames) {
        send(kStreamBoundary);
        send(part);
        client.socket->write(client.chunked ? QByteArray::number(jpeg.size(), 16) + "\r\n" : QByteArray());
        client.socket->write(jpeg.left(jpeg.size() / 2));
        client.streaming = false;  // before: flush/disconnectFromHost may emit disconnected right here
        client.socket->flush();
        if (client.socket)
            client.socket->disconnectFromHost();
        return;
    }
    if (m_options.mode == Mode::Stall && client.framesSent >= m_options.stallAfterFrames) {
        client.stalled = true;
        return;
    }
    send(kStreamBoundary);
    send(part);
    send(jpeg);
    ++client.framesSent;
    ++m_sent;
}

} // namespace vigil
