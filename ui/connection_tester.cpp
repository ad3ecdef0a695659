#include "connection_tester.h"

#include <QAuthenticator>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

namespace vigil {

ConnectionTester::ConnectionTester(QObject* parent)
    : QObject(parent), m_nam(new QNetworkAccessManager(this))
{
    // Credentials are sent up front; answering a challenge with nothing makes a wrong password a
    // clear 401 instead of a retry loop.
    connect(m_nam, &QNetworkAccessManager::authenticationRequired, this, [](QNetworkReply*, QAuthenticator*) {});
    m_timeout.setSingleShot(true);
    connect(&m_timeout, &QTimer::timeout, this, [this] {
        finish(false, {}, m_checkedHeaders
                              ? tr("Timed out: connected, but no complete JPEG frame arrived within %1 s")
                                    .arg(m_timeout.interval() / 1000.0, 0, 'f', 1)
                              : tr("Timed out: no answer from %1 within %2 s")
                                    .arg(m_url.host()).arg(m_timeout.interval() / 1000.0, 0, 'f', 1));
    });
}

ConnectionTester::~ConnectionTester() { cancel(); }

void ConnectionTester::start(const CameraConfig& config, int timeoutMs)
{
    cancel();
    m_done = false;
    m_checkedHeaders = false;
    const QString invalid = CameraConfig::validateUrl(config.url);
    if (!invalid.isEmpty()) {
        // Reported asynchronously like every other outcome.
        QTimer::singleShot(0, this, [this, invalid] { finish(false, {}, invalid); });
        m_done = false;
        return;
    }
    m_url = config.url;
    QUrl url = config.url;
    if (!config.user.isEmpty()) {
        url.setUserName(config.user);
        url.setPassword(config.password);
    }
    QNetworkRequest req(url);
    req.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::NoLessSafeRedirectPolicy);
    req.setRawHeader("Accept", "multipart/x-mixed-replace, image/jpeg, */*");
    if (!url.userName().isEmpty())
        req.setRawHeader("Authorization",
                         "Basic " + (url.userName() + ":" + url.password()).toUtf8().toBase64());
    m_parser = MjpegParser();
    m_parser.setPartCallback([this](MjpegPart&& part) {
        if (m_done)
            return;
        QImage img;
        // One frame, once, at the user's request: decoding it here is fine.
        if (!img.loadFromData(part.body, "JPEG")) {
            finish(false, {}, tr("The stream sent a part that is not a JPEG image (%1 bytes)").arg(part.body.size()));
            return;
        }
        finish(true, img, tr("Connected: %1×%2 JPEG, %3 KB, first frame after %4 ms")
                              .arg(img.width()).arg(img.height())
                              .arg(part.body.size() / 1024.0, 0, 'f', 1)
                              .arg(m_clock.elapsed()));
    });
    m_clock.start();
    m_timeout.start(timeoutMs);
    m_reply = m_nam->get(req);
    connect(m_reply, &QNetworkReply::metaDataChanged, this, &ConnectionTester::onMetaData);
    connect(m_reply, &QNetworkReply::readyRead, this, &ConnectionTester::onReadyRead);
    connect(m_reply, &QNetworkReply::finished, this, &ConnectionTester::onFinished);
}

void ConnectionTester::cancel()
{
    m_timeout.stop();
    if (m_reply) {
        QNetworkReply* r = m_reply;
        m_reply = nullptr;
        r->disconnect(this);
        // Often called from inside one of the reply's own signals: abort once that has returned.
        QMetaObject::invokeMethod(r, &QNetworkReply::abort, Qt::QueuedConnection);
        r->deleteLater();
    }
}

void ConnectionTester::onMetaData()
{
    if (!m_reply || m_checkedHeaders)
        return;
    const int status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status == 0)
        return;
    m_checkedHeaders = true;
    const QString reason = m_reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString();
    if (status == 401) {
        finish(false, {}, tr("HTTP 401 %1: the camera wants a user name and password (or the ones given are wrong)")
                              .arg(reason));
        return;
    }
    if (status == 404) {
        finish(false, {}, tr("HTTP 404 %1: no stream at path \"%2\" (check the URL path, e.g. /stream or :81/stream)")
                              .arg(reason, m_url.path().isEmpty() ? QStringLiteral("/") : m_url.path()));
        return;
    }
    if (status >= 300) {
        finish(false, {}, tr("HTTP %1 %2").arg(status).arg(reason));
        return;
    }
    const QByteArray type = m_reply->header(QNetworkRequest::ContentTypeHeader).toByteArray();
    const QByteArray lower = type.toLower();
    if (lower.startsWith("multipart/")) {
        if (!m_parser.setContentType(type))
            m_parser.setBareJpegMode();
    } else if (lower.isEmpty() || lower.startsWith("image/jpeg") || lower.startsWith("application/octet-stream")) {
        m_parser.setBareJpegMode();
    } else {
        finish(false, {}, tr("Not an MJPEG stream: the server answered with Content-Type \"%1\" "
                             "(is this the camera's web page rather than its stream URL?)")
                              .arg(QString::fromLatin1(type)));
    }
}

void ConnectionTester::onReadyRead()
{
    if (!m_reply)
        return;
    onMetaData();
    if (m_done || !m_reply)
        return;
    m_parser.feed(m_reply->readAll());
}

void ConnectionTester::onFinished()
{
    if (!m_reply || m_done)
        return;
    onReadyRead();
    if (m_done || !m_reply)
        return;
    QString message;
    switch (m_reply->error()) {
    case QNetworkReply::NoError:
        message = tr("The server closed the stream before a complete frame arrived");
        break;
    case QNetworkReply::ConnectionRefusedError:
        message = tr("Connection refused: nothing is listening on %1 port %2")
                      .arg(m_url.host()).arg(m_url.port(m_url.scheme() == "https" ? 443 : 80));
        break;
    case QNetworkReply::HostNotFoundError:
        message = tr("Host not found (DNS): \"%1\" does not resolve").arg(m_url.host());
        break;
    case QNetworkReply::TimeoutError:
        message = tr("Timed out connecting to %1").arg(m_url.host());
        break;
    case QNetworkReply::AuthenticationRequiredError:
        message = tr("HTTP 401: the camera wants a user name and password (or the ones given are wrong)");
        break;
    case QNetworkReply::SslHandshakeFailedError:
        message = tr("TLS handshake failed: %1").arg(m_reply->errorString());
        break;
    case QNetworkReply::RemoteHostClosedError:
        message = tr("The camera closed the connection before sending a frame");
        break;
    default:
        message = m_reply->errorString();
        break;
    }
    finish(false, {}, message);
}

void ConnectionTester::finish(bool ok, const QImage& image, const QString& message)
{
    if (m_done)
        return;
    m_done = true;
    cancel();
    emit finished(ok, image, message);
}

} // namespace vigil
