#include "rebroadcast/http_frontend.h"

#include <QHttpServerRequest>

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
    makeResponder(request, socket).write(QByteArrayLiteral("not found\n"), QByteArrayLiteral("text/plain"),
                                         QHttpServerResponder::StatusCode::NotFound);
}

} // namespace vigil
