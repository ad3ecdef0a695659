#pragma once
// Reads one camera's MJPEG stream over HTTP(S) with QNetworkAccessManager, in the camera's own
// thread. Never waits on anything downstream: complete parts go through the gate and are handed
// on (still compressed) by a callback that must not block.
#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <functional>
#include <random>

#include "config/camera_config.h"
#include "common/frame.h"
#include "capture/mjpeg_parser.h"

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
    };

    CameraReader(const CameraConfig& config, FrameGate* gate, CameraStats* stats, Output output);
    ~CameraReader() override;

    // Back-off before attempt n (0-based) without jitter: initial * 2^n, capped.
    static int backoffMs(int attempt, int initialMs, int maxMs);

public slots:
    void start();
    void stop();
    void reconfigure(const vigil::CameraConfig& config);  // reconnects with the new settings

signals:
    void stateChanged(vigil::CameraState state, const QString& reason);

private:
    void connectNow();
    void onMetaData();
    void onReadyRead();
    void onFinished();
    void onStallCheck();
    void fail(CameraState state, const QString& reason);
    void scheduleReconnect();
    void setState(CameraState state, const QString& reason);
    void dropReply();
    QString describeError(QNetworkReply* reply) const;

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
    CameraState m_state = CameraState::Idle;
    QString m_reason;
    int m_attempt = 0;
    bool m_running = false;
    bool m_wasLive = false;
    bool m_failed = false;       // current reply already reported a failure
    bool m_authTried = false;
    QString m_tlsProblem;        // certificate errors of the current connection
    quint64 m_seq = 0;
    std::mt19937 m_rng{std::random_device{}()};
};

} // namespace vigil

Q_DECLARE_METATYPE(vigil::CameraState)
