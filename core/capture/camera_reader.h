#pragma once
// Reads one camera's MJPEG stream over HTTP(S) with QNetworkAccessManager, in the camera's own
// thread. Never waits on anything downstream: complete parts go through the gate and are handed
// on (still compressed) by a callback that must not block. Bounded by the camera's CaptureLimits:
// the socket read buffer (the kernel pushes back on a camera that sends faster than we parse),
// the parser's limits, and the JPEG size checked from the header of every candidate frame.
// Credentials go only to the origin (scheme, host, port) of the camera URL.
#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <functional>
#include <random>

#include "config/camera_config.h"
#include "common/frame.h"
#include "capture/mjpeg_parser.h"
#include "processing/jpeg_codec.h"

class QAuthenticator;
class QNetworkAccessManager;
class QNetworkReply;

namespace vigil {

class CameraStats;
class FrameGate;

enum class CameraState { Idle, Connecting, Live, Stalled, Reconnecting, Error };
QString stateName(CameraState state);  // "idle", "connecting", "live", "stalled", "reconnecting", "error"

class CameraReader : public QObject {
    Q_OBJECT
public:
    // Where gated frames go. Neither may block.
    struct Output {
        std::function<void(EncodedFrame&& frame)> offer;     // a frame that passed the gate
        // A frame the throttle would drop: may replace a frame still waiting for a worker
        // (returns true then). Keeps the waiting frame fresh when the workers are behind.
        std::function<bool(EncodedFrame& frame)> refresh;
        // Every frame read, before the gate (e.g. an event clip's pre-roll ring). Must not block.
        std::function<void(const EncodedFrame& frame)> read;
    };

    CameraReader(const CameraConfig& config, FrameGate* gate, CameraStats* stats, Output output);
    ~CameraReader() override;

    // Back-off before attempt n (0-based) without jitter: initial * 2^n, capped.
    static int backoffMs(int attempt, int initialMs, int maxMs);
    // The JPEG size limit of a camera: its own maxJpegSize, else its capture limits'.
    static QSize maxJpegSizeFor(const CameraConfig& config);
    // Connected but no complete frame for this long (bytes may trickle in): stalled.
    static int frameTimeoutMs(const CameraConfig& config) { return 2 * config.stallTimeoutMs; }

public slots:
    void start();
    void stop();
    void reconfigure(const vigil::CameraConfig& config);  // reconnects with the new settings

signals:
    // Reasons are redacted (no credentials or secret query values).
    void stateChanged(vigil::CameraState state, const QString& reason);
    // A connection attempt failed (before the retry is scheduled); `reason` has no retry note.
    void attemptFailed(const QString& reason);
    // A frame was refused before processing (e.g. its JPEG header claims more than the limit).
    void frameRejected(const QString& reason);

private:
    void connectNow();
    void onMetaData();
    void onReadyRead();
    void onFinished();
    void onRedirected(const QUrl& target);
    void onAuthenticationRequired(QNetworkReply* reply, QAuthenticator* auth);
    void onPart(MjpegPart&& part);
    bool credentialsConfigured() const;
    bool checkParser();  // reports a parser limit violation; false when it ended the connection
    void onStallCheck();
    void fail(CameraState state, const QString& reason);
    void scheduleReconnect();
    void setState(CameraState state, const QString& reason);
    void dropReply();
    QString withRedirectNote(const QString& reason) const;

    CameraConfig m_config;
    FrameGate* m_gate;
    CameraStats* m_stats;
    Output m_output;
    QNetworkAccessManager* m_nam = nullptr;
    QPointer<QNetworkReply> m_reply;
    MjpegParser m_parser;
    QTimer m_connectTimer;
    QTimer m_stallTimer;
    QTimer m_retryTimer;
    QElapsedTimer m_lastBytes;
    QElapsedTimer m_lastPart;    // since the last complete part (or the connection attempt)
    JpegDecoder m_jpeg;          // header checks only
    CameraState m_state = CameraState::Idle;
    QString m_reason;
    int m_attempt = 0;
    bool m_running = false;
    bool m_wasLive = false;
    bool m_failed = false;       // current reply already reported a failure
    bool m_authTried = false;    // credentials offered to the current URL already
    QUrl m_currentUrl;           // where the current request is, after redirects
    QString m_redirectNote;      // "redirected to <origin>; credentials not sent"
    bool m_rejecting = false;    // the last candidate frame was refused (reason shown)
    QString m_parserProblem;     // the parser's latest skipped violation since the last part
    QString m_tlsProblem;        // certificate errors of the current connection
    quint64 m_seq = 0;
    std::mt19937 m_rng{std::random_device{}()};
};

} // namespace vigil

Q_DECLARE_METATYPE(vigil::CameraState)
