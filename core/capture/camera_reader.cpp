#include "capture/camera_reader.h"

#include <QAuthenticator>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSslError>

#include "stats/camera_stats.h"
#include "capture/frame_gate.h"
#include "common/log.h"

namespace vigil {

namespace {
constexpr int kStallCheckMs = 250;
constexpr qint64 kReadChunk = 64 * 1024;

// ESP32-CAM sends "X-Timestamp: <seconds>.<microseconds>".
qint64 parseTimestampUs(const QByteArray& value)
{
    if (value.isEmpty())
        return -1;
    const int dot = value.indexOf('.');
    bool ok = false;
    const qint64 sec = value.left(dot < 0 ? value.size() : dot).trimmed().toLongLong(&ok);
    if (!ok)
        return -1;
    qint64 us = 0;
    if (dot >= 0) {
        QByteArray frac = value.mid(dot + 1).trimmed().left(6);
        frac = frac.leftJustified(6, '0');
        us = frac.toLongLong(&ok);
        if (!ok)
            return -1;
    }
    return sec * 1000000 + us;
}

QString hostPort(const QUrl& url)
{
    const int port = url.port(url.scheme() == "https" ? 443 : 80);
    return QStringLiteral("%1:%2").arg(url.host()).arg(port);
}
} // namespace

QString stateName(CameraState state)
{
    switch (state) {
    case CameraState::Idle: return QStringLiteral("idle");
    case CameraState::Connecting: return QStringLiteral("connecting");
    case CameraState::Live: return QStringLiteral("live");
    case CameraState::Stalled: return QStringLiteral("stalled");
    case CameraState::Reconnecting: return QStringLiteral("reconnecting");
    case CameraState::Error: return QStringLiteral("error");
    }
    return {};
}

CameraReader::CameraReader(const CameraConfig& config, FrameGate* gate, CameraStats* stats, Output output)
    : m_config(config), m_gate(gate), m_stats(stats), m_output(std::move(output)),
      m_connectTimer(this), m_stallTimer(this), m_retryTimer(this)
{
    qRegisterMetaType<vigil::CameraState>();
    qRegisterMetaType<vigil::CameraConfig>();
    m_connectTimer.setSingleShot(true);
    m_retryTimer.setSingleShot(true);
    m_stallTimer.setInterval(kStallCheckMs);
    connect(&m_connectTimer, &QTimer::timeout, this, [this] {
        fail(CameraState::Error, QStringLiteral("no answer from %1 within %2 s")
                                     .arg(hostPort(m_config.url))
                                     .arg(m_config.connectTimeoutMs / 1000.0));
    });
    connect(&m_stallTimer, &QTimer::timeout, this, &CameraReader::onStallCheck);
    connect(&m_retryTimer, &QTimer::timeout, this, &CameraReader::connectNow);

    m_parser.setPartCallback([this](MjpegPart&& part) {
        const qint64 now = nowNs();
        m_stats->onRead(part.body.size(), now);
        ++m_seq;
        if (m_state != CameraState::Live) {
            m_wasLive = true;
            m_attempt = 0;
            setState(CameraState::Live, {});
        }
        if (!m_gate->nextIsCandidate()) {
            m_stats->onSkippedStride();
            return;
        }
        EncodedFrame frame;
        frame.jpeg = std::move(part.body);
        frame.seq = m_seq;
        frame.receivedNs = now;
        frame.headers = std::move(part.headers);
        frame.captureUs = parseTimestampUs(frame.header("X-Timestamp"));
        // Workers behind: the waiting frame is swapped for this newer one. That is no new output,
        // so it does not spend the fps budget (spending it would delay this camera's next turn).
        if (m_output.refresh && m_output.refresh(frame))
            return;
        if (m_gate->admit(now))
            m_output.offer(std::move(frame));
        else
            m_stats->onDroppedThrottle();
    });
}

CameraReader::~CameraReader() { dropReply(); }

int CameraReader::backoffMs(int attempt, int initialMs, int maxMs)
{
    const qint64 d = qint64(initialMs) << std::min(attempt, 20);
    return int(std::min<qint64>(d, maxMs));
}

void CameraReader::start()
{
    if (m_running)
        return;
    m_running = true;
    m_attempt = 0;
    m_wasLive = false;
    connectNow();
}

void CameraReader::stop()
{
    m_running = false;
    m_retryTimer.stop();
    dropReply();
    setState(CameraState::Idle, {});
}

void CameraReader::reconfigure(const CameraConfig& config)
{
    m_config = config;
    if (!m_running)
        return;
    dropReply();
    m_retryTimer.stop();
    m_attempt = 0;
    m_wasLive = false;
    connectNow();
}

void CameraReader::connectNow()
{
    if (!m_running)
        return;
    if (!m_nam) {
        // Created here so it lives in the reader's thread.
        m_nam = new QNetworkAccessManager(this);
        connect(m_nam, &QNetworkAccessManager::authenticationRequired, this,
                [this](QNetworkReply*, QAuthenticator* auth) {
                    QString user = m_config.user.isEmpty() ? m_config.url.userName() : m_config.user;
                    QString pass = m_config.user.isEmpty() ? m_config.url.password() : m_config.password;
                    // Offer the credentials once; a second request means they were refused.
                    if (user.isEmpty() || m_authTried)
                        return;
                    m_authTried = true;
                    auth->setUser(user);
                    auth->setPassword(pass);
                });
    }
    dropReply();
    const QString urlError = CameraConfig::validateUrl(m_config.url);
    if (!urlError.isEmpty()) {
        m_failed = true;
        setState(CameraState::Error, urlError);
        return;  // retrying cannot fix the URL
    }
    if (m_wasLive || m_attempt > 0)
        m_stats->onReconnect();
    m_failed = false;
    m_authTried = false;
    m_tlsProblem.clear();
    m_parser.reset();
    setState(CameraState::Connecting, QStringLiteral("connecting to %1").arg(hostPort(m_config.url)));

    QUrl url = m_config.url;
    url.setUserInfo({});  // credentials go through the authenticator, not the request line
    QNetworkRequest request(url);
    request.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::NoLessSafeRedirectPolicy);
    request.setHeader(QNetworkRequest::UserAgentHeader, QStringLiteral("Vigil/" VIGIL_VERSION));
    m_reply = m_nam->get(request);
    connect(m_reply, &QNetworkReply::metaDataChanged, this, &CameraReader::onMetaData);
    connect(m_reply, &QNetworkReply::readyRead, this, &CameraReader::onReadyRead);
    connect(m_reply, &QNetworkReply::finished, this, &CameraReader::onFinished);
    connect(m_reply, &QNetworkReply::sslErrors, this, [this](const QList<QSslError>& errors) {
        if (m_config.acceptSelfSignedTls) {
            m_reply->ignoreSslErrors(errors);
            return;
        }
        QStringList what;
        for (const QSslError& e : errors)
            what << e.errorString();
        m_tlsProblem = what.join("; ");
    });
    m_connectTimer.start(m_config.connectTimeoutMs);
    m_lastBytes.start();
    m_stallTimer.start();
}

void CameraReader::onMetaData()
{
    QNetworkReply* reply = m_reply;
    if (!reply || m_failed)
        return;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status >= 300 && status < 400)
        return;  // a redirect being followed
    m_connectTimer.stop();
    m_lastBytes.restart();
    if (status != 200 && status != 0) {
        const QString phrase = reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString();
        QString reason = QStringLiteral("HTTP %1 %2").arg(status).arg(phrase).trimmed();
        if (status == 401)
            reason += QStringLiteral(": the camera needs a user name and password (or they were refused)");
        else if (status == 404)
            reason += QStringLiteral(": no stream at %1").arg(m_config.url.path().isEmpty() ? "/" : m_config.url.path());
        fail(CameraState::Error, reason);
        return;
    }
    const QByteArray type = reply->header(QNetworkRequest::ContentTypeHeader).toByteArray();
    const QByteArray lower = type.toLower();
    if (lower.startsWith("multipart/")) {
        if (!m_parser.setContentType(type))
            qCInfo(lcReader) << m_config.id << "multipart without a boundary: splitting on JPEG markers";
    } else if (lower.isEmpty() || lower.startsWith("image/jpeg") || lower.startsWith("application/octet-stream")) {
        m_parser.setBareJpegMode();
    } else {
        fail(CameraState::Error,
             QStringLiteral("not an MJPEG stream (Content-Type: %1)").arg(QString::fromLatin1(type)));
    }
}

void CameraReader::onReadyRead()
{
    QNetworkReply* reply = m_reply;
    if (!reply || m_failed)
        return;
    m_lastBytes.restart();
    if (m_state == CameraState::Stalled)
        setState(CameraState::Live, {});
    // Drain everything available now: the reader never lets bytes wait.
    char buf[kReadChunk];
    for (;;) {
        const qint64 n = reply->read(buf, kReadChunk);
        if (n <= 0)
            break;
        m_parser.feed(buf, n);
        if (m_failed || reply != m_reply)
            return;  // a callback tore the connection down
    }
    m_stats->setOversizeParts(m_parser.stats().oversizeParts);
}

void CameraReader::onFinished()
{
    QNetworkReply* reply = qobject_cast<QNetworkReply*>(sender());
    if (!reply || reply != m_reply || !m_running)
        return;
    if (m_failed)
        return;
    onReadyRead();  // whatever arrived with the end of the stream
    QString reason;
    if (reply->error() == QNetworkReply::NoError)
        reason = QStringLiteral("the camera ended the stream");
    else
        reason = describeError(reply);
    fail(m_state == CameraState::Live ? CameraState::Reconnecting : CameraState::Error, reason);
}

void CameraReader::onStallCheck()
{
    if (!m_reply || m_failed || m_connectTimer.isActive())
        return;
    if (m_lastBytes.elapsed() >= m_config.stallTimeoutMs)
        fail(CameraState::Stalled,
             QStringLiteral("no data for %1 s").arg(m_config.stallTimeoutMs / 1000.0));
}

QString CameraReader::describeError(QNetworkReply* reply) const
{
    const QString where = hostPort(m_config.url);
    switch (reply->error()) {
    case QNetworkReply::HostNotFoundError:
        return QStringLiteral("host not found: DNS lookup for \"%1\" failed").arg(m_config.url.host());
    case QNetworkReply::ConnectionRefusedError:
        return QStringLiteral("connection refused by %1 (is the camera on and the port right?)").arg(where);
    case QNetworkReply::RemoteHostClosedError:
        return QStringLiteral("%1 closed the connection").arg(where);
    case QNetworkReply::TimeoutError:
        return QStringLiteral("%1 timed out").arg(where);
    case QNetworkReply::SslHandshakeFailedError:
        if (!m_tlsProblem.isEmpty())
            return QStringLiteral("the TLS certificate of %1 is not trusted (%2); if the camera uses its own "
                                  "certificate, allow self-signed certificates for it")
                .arg(where, m_tlsProblem);
        return QStringLiteral("TLS handshake with %1 failed: %2").arg(where, reply->errorString());
    case QNetworkReply::AuthenticationRequiredError:
        return QStringLiteral("HTTP 401: the camera needs a user name and password (or they were refused)");
    case QNetworkReply::TooManyRedirectsError:
    case QNetworkReply::InsecureRedirectError:
        return QStringLiteral("redirect problem: %1").arg(reply->errorString());
    default:
        break;
    }
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status >= 400)
        return QStringLiteral("HTTP %1 %2")
            .arg(status)
            .arg(reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString());
    return reply->errorString();
}

void CameraReader::fail(CameraState state, const QString& reason)
{
    m_failed = true;
    dropReply();
    if (!m_running)
        return;
    const int base = backoffMs(m_attempt++, m_config.backoffInitialMs, m_config.backoffMaxMs);
    // +-20% jitter so many cameras behind one failed switch don't reconnect in lockstep.
    std::uniform_real_distribution<double> jitter(0.8, 1.2);
    const int delay = std::max(10, int(base * jitter(m_rng)));
    qCInfo(lcReader).noquote() << QStringLiteral("[%1] %2: %3; retrying in %4 s")
                                      .arg(m_config.id, stateName(state), reason)
                                      .arg(delay / 1000.0, 0, 'f', 1);
    setState(state, QStringLiteral("%1 (retrying in %2 s)").arg(reason).arg(delay / 1000.0, 0, 'f', 1));
    m_wasLive = m_wasLive || state == CameraState::Reconnecting;
    m_retryTimer.start(delay);
}

void CameraReader::dropReply()
{
    m_connectTimer.stop();
    m_stallTimer.stop();
    if (QNetworkReply* reply = m_reply) {
        m_reply = nullptr;
        reply->disconnect(this);
        // After an HTTP error status Qt has already queued its own error for the reply; aborting
        // as well makes it warn. Deleting the reply closes the connection just the same.
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (reply->isRunning() && status < 400)
            reply->abort();
        reply->deleteLater();
    }
}

void CameraReader::setState(CameraState state, const QString& reason)
{
    if (state == m_state && reason == m_reason)
        return;
    m_state = state;
    m_reason = reason;
    emit stateChanged(state, reason);
}

} // namespace vigil
