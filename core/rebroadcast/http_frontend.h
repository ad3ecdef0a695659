#pragma once
// The Qt HTTP server the rebroadcast server listens with. Plain requests go to a handler that may
// keep the socket (MJPEG streams); WebSocket upgrades on the same port are handed over by
// QAbstractHttpServer (newWebSocketConnection / nextPendingWebSocketConnection).
#include <QAbstractHttpServer>
#include <QHttpServerResponder>
#include <functional>

namespace vigil {

class HttpFrontend : public QAbstractHttpServer {
    Q_OBJECT
public:
    // Returns false when no route matched (404).
    using Handler = std::function<bool(const QHttpServerRequest&, QTcpSocket*)>;
    explicit HttpFrontend(Handler handler, QObject* parent = nullptr);

    static QHttpServerResponder responder(const QHttpServerRequest& request, QTcpSocket* socket)
    {
        return makeResponder(request, socket);
    }

protected:
    bool handleRequest(const QHttpServerRequest& request, QTcpSocket* socket) override;
    void missingHandler(const QHttpServerRequest& request, QTcpSocket* socket) override;

private:
    Handler m_handler;
};

} // namespace vigil
