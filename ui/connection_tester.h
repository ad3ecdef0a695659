#pragma once
// "Test connection": fetches the first frame of a stream and reports the exact reason when that
// fails (HTTP status, refused, DNS, not MJPEG, timeout). Independent of the pipeline.
#include <QElapsedTimer>
#include <QImage>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include "config/camera_config.h"
#include "capture/mjpeg_parser.h"

class QNetworkAccessManager;
class QNetworkReply;

namespace vigil {

class ConnectionTester : public QObject {
    Q_OBJECT
public:
    explicit ConnectionTester(QObject* parent = nullptr);
    ~ConnectionTester() override;

    void start(const CameraConfig& config, int timeoutMs = 8000);
    void cancel();
    bool isRunning() const { return !m_reply.isNull(); }

signals:
    // ok: `image` is the first frame and `message` describes it; else `message` is the reason.
    void finished(bool ok, const QImage& image, const QString& message);

private:
    void onMetaData();
    void onReadyRead();
    void onFinished();
    void finish(bool ok, const QImage& image, const QString& message);

    QNetworkAccessManager* m_nam;
    QPointer<QNetworkReply> m_reply;
    MjpegParser m_parser;
    QTimer m_timeout;
    QElapsedTimer m_clock;
    QUrl m_url;
    bool m_checkedHeaders = false;
    bool m_done = false;
};

} // namespace vigil
