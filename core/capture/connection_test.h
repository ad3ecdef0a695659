#pragma once
// "Test connection" for the camera dialog: runs the camera's own CameraReader with the dialog's
// settings (credentials, TLS, timeouts, limits) until the first frame or the first failure, so it
// honours every setting the reader honours and reports failures with the reader's reasons.
#include <QElapsedTimer>
#include <QImage>
#include <QObject>
#include <QTimer>
#include <memory>

#include "config/camera_config.h"

namespace vigil {

class CameraReader;
class CameraStats;
class FrameGate;
struct EncodedFrame;

class ConnectionTest : public QObject {
    Q_OBJECT
public:
    explicit ConnectionTest(QObject* parent = nullptr);
    ~ConnectionTest() override;

    // Runs in the caller's thread; ends with exactly one finished() unless cancelled.
    void start(const CameraConfig& config, int timeoutMs = 8000);
    void cancel();
    bool isRunning() const { return m_reader != nullptr; }

signals:
    // ok: `image` is the first frame and `message` describes it; else `message` is the reason.
    void finished(bool ok, const QImage& image, const QString& message);

private:
    void onFrame(const EncodedFrame& frame);
    void finish(bool ok, const QImage& image, const QString& message);

    CameraConfig m_config;
    std::unique_ptr<FrameGate> m_gate;
    std::unique_ptr<CameraStats> m_stats;
    CameraReader* m_reader = nullptr;
    QTimer m_timeout;
    QElapsedTimer m_clock;
    QString m_lastReason;     // the reader's latest state reason, for a timeout message
    bool m_done = true;
};

} // namespace vigil
