#pragma once
// A small MJPEG-over-HTTP server on QTcpServer that speaks the exact ESP32-CAM CameraWebServer
// format (chunked, boundary 123456789000000000000987654321, X-Timestamp). Used as the built-in demo
// camera and by tests, which can make it misbehave on purpose.
#include <QByteArray>
#include <QElapsedTimer>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QSize>
#include <QTimer>
#include <QUrl>

class QTcpServer;
class QTcpSocket;

namespace vigil {

class Esp32CameraServer : public QObject {
    Q_OBJECT
public:
    enum class Mode {
        Normal,
        NotFound,        // 404 for every path
        NotMultipart,    // 200 text/html page
        DieMidFrame,     // closes the connection in the middle of frame `dieAfterFrames`+1
        Stall,           // stops sending (keeps the socket open) after `stallAfterFrames` frames
    };
    struct Options {
        double fps = 30;
        QSize size{640, 480};
        int quality = 80;
        int loopFrames = 60;         // synthetic frames rendered up front
        QString path = "/stream";    // any other path: 404
        QString redirectFrom;        // non-empty: this path answers 302 to `path`
        QString user;                // non-empty: Basic auth required (401 otherwise)
        QString password;
        bool chunked = true;         // ESP32 uses chunked transfer encoding
        Mode mode = Mode::Normal;
        int dieAfterFrames = 5;
        int stallAfterFrames = 5;
        qint64 maxClientBacklog = 512 * 1024;  // skip frames for a client with more unsent bytes
        QByteArray tlsCertificatePem;  // both set: serve HTTPS
        QByteArray tlsKeyPem;
    };

    explicit Esp32CameraServer(QObject* parent = nullptr);
    explicit Esp32CameraServer(const Options& options, QObject* parent = nullptr);
    ~Esp32CameraServer() override;

    void setOptions(const Options& options);  // applies to new connections (mode: immediately)
    Options options() const;
    // Serve these instead of the synthetic scene, in a loop starting with the first (from the next frame).
    void setFrames(const QList<QByteArray>& jpegs);

    bool listen(const QHostAddress& address = QHostAddress::LocalHost, quint16 port = 0);
    void close();                    // stops listening and drops all clients
    bool isListening() const;
    quint16 port() const;
    QUrl url() const;                // http(s)://127.0.0.1:<port><path>
    int clientCount() const;
    quint64 framesSent() const;      // frames written, all clients

private:
    struct Client;
    void onNewConnection();
    void onClientReadyRead(QTcpSocket* socket);
    void onTick();
    void sendFrame(Client& client, const QByteArray& jpeg);
    void ensureFrames();
    void sweepClients();

    Options m_options;
    QTcpServer* m_server = nullptr;
    // A disconnected client is only marked gone (its socket may disconnect synchronously in the
    // middle of a write to it) and deleted from the event loop by sweepClients().
    QList<Client*> m_clients;
    QList<QByteArray> m_frames;
    QTimer m_timer;
    QElapsedTimer m_clock;
    quint64 m_tick = 0;
    quint64 m_firstFrameTick = 0;  // tick at which the current frames started
    quint64 m_sent = 0;
};

} // namespace vigil
