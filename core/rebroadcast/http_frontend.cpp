#include "rebroadcast/http_frontend.h"

#include <QHttpServerRequest>
#include <QTcpSocket>

namespace vigil {

HttpFrontend::HttpFrontend(Handler handler, QObject* parent)
    : QAbstractHttpServer(parent), m_handler(std::move(handler))
{
}

bool HttpFrontend::handleRequest(const QHttpServerRequest& request, QTcpSocket* socket)
{
    return m_handler && m_handler(request, socket);
}

void HttpFrontend::missingHandler(const QHttpServerRequest& request, QTcpSocket* socket)
{
    makeResponder(request, socket).write(QByteArrayLiteral("not found\n"),
                                         {{"Content-Type", "text/plain"}, {"Connection", "close"}},
                                         QHttpServerResponder::StatusCode::NotFound);
    socket->disconnectFromHost();  // one request per connection (see ConnectionGate)
}

} // namespace vigil
