#include "capture/camera_reader.h"

#include <QAuthenticator>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSslError>

#include "capture/frame_gate.h"
#include "capture/network_error.h"
#include "capture/part_timestamp.h"
#include "common/log.h"
#include "common/redact.h"
#include "stats/camera_stats.h"

namespace vigil {

namespace {
constexpr int kStallCheckMs = 250;
constexpr qint64 kReadChunk = 64 * 1024;
constexpr int kMaxRedirects = 5;

bool isDowngrade(const QUrl& from, const QUrl& to)
{
    return from.scheme().compare("https", Qt::CaseInsensitive) == 0
        && to.scheme().compare("https", Qt::CaseInsensitive) != 0;
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
        fail(CameraState::Error, noAnswerReason(m_config.url, m_config.connectTimeoutMs));
    });
    connect(&m_stallTimer, &QTimer::timeout, this, &CameraReader::onStallCheck);
    connect(&m_retryTimer, &QTimer::timeout, this, &CameraReader::connectNow);
}

CameraReader::~CameraReader() { dropReply(); }

int CameraReader::backoffMs(int attempt, int initialMs, int maxMs)
{
    const qint64 d = qint64(initialMs) << std::min(attempt, 20);
    return int(std::min<qint64>(d, maxMs));
}

QSize CameraReader::maxJpegSizeFor(const CameraConfig& config)
{
    return config.maxJpegSize.isValid() ? config.maxJpegSize : config.captureLimits.maxJpegSize;
}

void CameraReader::onPart(MjpegPart&& part)
{
    const qint64 now = nowNs();
    m_stats->onRead(part.body.size(), now);
    m_lastPart.restart();
    m_parserProblem.clear();
    ++m_seq;
    if (m_state != CameraState::Live) {
        m_wasLive = true;
        m_attempt = 0;
        setState(CameraState::Live, m_redirectNote);
    }
    EncodedFrame frame;
    frame.jpeg = std::move(part.body);
    frame.seq = m_seq;
    frame.receivedNs = now;
    frame.headers = std::move(part.headers);
    frame.captureUs = parseTimestampUs(frame.header("X-Timestamp"));
    if (m_output.read)
        m_output.read(frame);
    if (!m_gate->nextIsCandidate()) {
        m_stats->onSkippedStride();
        return;
    }
    // The header costs microseconds to read; a frame whose header claims a huge picture is
    // refused here, before any worker would allocate for it.
    QString error;
    if (!m_jpeg.readSize(frame.jpeg, nullptr, &error, maxJpegSizeFor(m_config))) {
        m_stats->onDecodeError();
        const QString reason = QStringLiteral("frames refused: %1").arg(error);
        if (!m_rejecting || reason != m_reason) {
            qCInfo(lcReader).noquote() << QStringLiteral("[%1] %2").arg(m_config.id, reason);
            emit frameRejected(reason);
        }
        m_rejecting = true;
        setState(CameraState::Live, reason);
        return;
    }
    if (m_rejecting) {
        m_rejecting = false;
        setState(CameraState::Live, m_redirectNote);
    }
    // Workers behind: the waiting frame is swapped for this newer one. That is no new output,
    // so it does not spend the fps budget (spending it would delay this camera's next turn).
    if (m_output.refresh && m_output.refresh(frame))
        return;
    if (m_gate->admit(now))
        m_output.offer(std::move(frame));
    else
        m_stats->onDroppedThrottle();
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

bool CameraReader::credentialsConfigured() const
{
    return !m_config.user.isEmpty() || !m_config.url.userName().isEmpty();
}

void CameraReader::onAuthenticationRequired(QNetworkReply* reply, QAuthenticator* auth)
{
    if (reply != m_reply)
        return;
    // Only the camera's own origin ever sees its credentials; elsewhere the challenge goes
    // unanswered and the request ends as a 401.
    if (!sameOrigin(m_currentUrl, m_config.url))
        return;
    const QString user = m_config.user.isEmpty() ? m_config.url.userName() : m_config.user;
    const QString pass = m_config.user.isEmpty() ? m_config.url.password() : m_config.password;
    // Offer the credentials once per URL; a second request means they were refused.
    if (user.isEmpty() || m_authTried)
        return;
    m_authTried = true;
    auth->setUser(user);
    auth->setPassword(pass);
}

void CameraReader::onRedirected(const QUrl& target)
{
    QNetworkReply* reply = m_reply;
    if (!reply || m_failed)
        return;
    const QUrl to = m_currentUrl.resolved(target);
    if (isDowngrade(m_currentUrl, to)) {
        fail(CameraState::Error, QStringLiteral("refused a redirect from HTTPS to plain HTTP (%1)").arg(originOf(to)));
        return;
    }
    if (!sameOrigin(to, m_config.url) && credentialsConfigured()) {
        m_redirectNote = crossOriginRedirectReason(to);
        qCInfo(lcReader).noquote() << QStringLiteral("[%1] %2").arg(m_config.id, m_redirectNote);
    }
    m_currentUrl = to;
    m_authTried = false;
    emit reply->redirectAllowed();
}

void CameraReader::connectNow()
{
    if (!m_running)
        return;
    if (!m_nam) {
        // Created here so it lives in the reader's thread.
        m_nam = new QNetworkAccessManager(this);
        connect(m_nam, &QNetworkAccessManager::authenticationRequired, this, &CameraReader::onAuthenticationRequired);
    }
    dropReply();
    const QString urlError = CameraConfig::validateUrl(m_config.url);
    if (!urlError.isEmpty()) {
        m_failed = true;
        setState(CameraState::Error, redactedText(urlError));
        emit attemptFailed(redactedText(urlError));
        return;  // retrying cannot fix the URL
    }
    if (m_wasLive || m_attempt > 0)
        m_stats->onReconnect();
    m_failed = false;
    m_authTried = false;
    m_rejecting = false;
    m_redirectNote.clear();
    m_tlsProblem.clear();
    m_parser.reset();
    m_parser.setLimits(m_config.captureLimits);
    m_parserProblem.clear();
    setState(CameraState::Connecting, QStringLiteral("connecting to %1").arg(hostPortOf(m_config.url)));

    QUrl url = m_config.url;
    url.setUserInfo({});  // credentials go through the authenticator, to this origin only
    m_currentUrl = url;
    QNetworkRequest request(url);
    request.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    // Each redirect is checked (origin, no downgrade) in onRedirected before it is followed.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::UserVerifiedRedirectPolicy);
    request.setMaximumRedirectsAllowed(kMaxRedirects);
    request.setHeader(QNetworkRequest::UserAgentHeader, QStringLiteral("Vigil/" VIGIL_VERSION));
    m_reply = m_nam->get(request);
    // Qt stops reading the socket while this much is unread: the kernel pushes back on the camera.
    m_reply->setReadBufferSize(m_config.captureLimits.readBufferBytes);
    connect(m_reply, &QNetworkReply::metaDataChanged, this, &CameraReader::onMetaData);
    connect(m_reply, &QNetworkReply::readyRead, this, &CameraReader::onReadyRead);
    connect(m_reply, &QNetworkReply::finished, this, &CameraReader::onFinished);
    connect(m_reply, &QNetworkReply::redirected, this, &CameraReader::onRedirected);
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
    m_lastPart.start();
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
    m_lastPart.restart();
    if (status != 200 && status != 0) {
        const QString phrase = reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString();
        fail(CameraState::Error, httpStatusReason(m_currentUrl, status, phrase));
        return;
    }
    const QByteArray type = reply->header(QNetworkRequest::ContentTypeHeader).toByteArray();
    if (!isMjpegContentType(type)) {
        fail(CameraState::Error, notMjpegReason(type));
    } else if (type.trimmed().toLower().startsWith("multipart/")) {
        if (!m_parser.setContentType(type))
            qCInfo(lcReader) << m_config.id << "multipart without a boundary: splitting on JPEG markers";
        checkParser();  // e.g. a boundary above the limit
    } else {
        m_parser.setBareJpegMode();
    }
}

bool CameraReader::checkParser()
{
    std::optional<MjpegProblem> problem = m_parser.takeProblem();
    if (!problem)
        return true;
    if (problem->reconnect || m_parser.needsReconnect()) {
        fail(CameraState::Error, problem->reason);
        return false;
    }
    // Skipped up to the next part: shown until a frame arrives, and named if none does.
    if (problem->reason != m_parserProblem)
        qCInfo(lcReader).noquote() << QStringLiteral("[%1] %2").arg(m_config.id, problem->reason);
    m_parserProblem = problem->reason;
    setState(m_state, problem->reason);
    return true;
}

void CameraReader::onReadyRead()
{
    QNetworkReply* reply = m_reply;
    if (!reply || m_failed)
        return;
    m_lastBytes.restart();
    if (m_state == CameraState::Stalled)
        setState(CameraState::Live, m_redirectNote);
    // Drain what is available now in bounded chunks: at most the read buffer's worth, since
    // Qt adds more only from the event loop.
    char buf[kReadChunk];
    MjpegPart part;
    for (;;) {
        const qint64 n = reply->read(buf, kReadChunk);
        if (n <= 0)
            break;
        m_parser.feed(buf, n);
        while (m_parser.next(&part)) {  // drained before `buf` is reused
            onPart(std::move(part));
            if (m_failed || reply != m_reply)
                return;  // a callback tore the connection down
        }
        if (!checkParser())
            return;
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
    if (m_failed || reply != m_reply)
        return;
    const QString reason = networkErrorReason(m_currentUrl, NetworkFailure::fromReply(reply, m_tlsProblem));
    fail(m_state == CameraState::Live ? CameraState::Reconnecting : CameraState::Error, reason);
}

void CameraReader::onStallCheck()
{
    if (!m_reply || m_failed || m_connectTimer.isActive())
        return;
    if (m_lastBytes.elapsed() >= m_config.stallTimeoutMs) {
        fail(CameraState::Stalled, QStringLiteral("no data for %1 s").arg(m_config.stallTimeoutMs / 1000.0));
        return;
    }
    // Bytes trickle in but no frame completes (a broken or hostile camera, one byte at a time).
    const int frameTimeout = frameTimeoutMs(m_config);
    if (m_lastPart.elapsed() >= frameTimeout) {
        QString reason = QStringLiteral("data arrives but no complete frame for %1 s").arg(frameTimeout / 1000.0);
        if (!m_parserProblem.isEmpty())
            reason += QStringLiteral(": ") + m_parserProblem;
        fail(CameraState::Stalled, reason);
    }
}

QString CameraReader::withRedirectNote(const QString& reason) const
{
    if (m_redirectNote.isEmpty() || reason.contains(m_redirectNote))
        return reason;
    return QStringLiteral("%1 (%2)").arg(reason, m_redirectNote);
}

void CameraReader::fail(CameraState state, const QString& rawReason)
{
    m_failed = true;
    dropReply();
    if (!m_running)
        return;
    const QString reason = redactedText(withRedirectNote(rawReason));
    emit attemptFailed(reason);
    if (!m_running)
        return;  // a listener stopped the reader
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
    const QString shown = redactedText(reason);
    if (state == m_state && shown == m_reason)
        return;
    m_state = state;
    m_reason = shown;
    emit stateChanged(state, shown);
}

} // namespace vigil
