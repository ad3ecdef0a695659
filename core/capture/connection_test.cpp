#include "capture/connection_test.h"

#include "capture/camera_reader.h"
#include "capture/frame_gate.h"
#include "common/frame.h"
#include "processing/jpeg_codec.h"
#include "stats/camera_stats.h"

namespace vigil {

ConnectionTest::ConnectionTest(QObject* parent) : QObject(parent)
{
    m_timeout.setSingleShot(true);
    connect(&m_timeout, &QTimer::timeout, this, [this] {
        QString message = tr("Timed out: no complete JPEG frame within %1 s")
                              .arg(m_timeout.interval() / 1000.0, 0, 'f', 1);
        if (!m_lastReason.isEmpty())
            message += QStringLiteral(" (%1)").arg(m_lastReason);
        finish(false, {}, message);
    });
}

ConnectionTest::~ConnectionTest() { cancel(); }

void ConnectionTest::start(const CameraConfig& config, int timeoutMs)
{
    cancel();
    m_done = false;
    m_lastReason.clear();
    m_config = config;
    // One attempt: the first failure is the answer, so no retry is ever due within the test.
    m_config.backoffInitialMs = m_config.backoffMaxMs = std::max(timeoutMs, 1000) * 10;
    m_config.connectTimeoutMs = std::min(m_config.connectTimeoutMs, timeoutMs);
    m_gate = std::make_unique<FrameGate>(1, 0);
    m_stats = std::make_unique<CameraStats>();
    CameraReader::Output output;
    // Called inside the reader's parser: handled once the reader has returned.
    output.offer = [this](EncodedFrame&& frame) {
        QMetaObject::invokeMethod(this, [this, f = std::move(frame)] { onFrame(f); }, Qt::QueuedConnection);
    };
    m_reader = new CameraReader(m_config, m_gate.get(), m_stats.get(), std::move(output));
    connect(m_reader, &CameraReader::stateChanged, this,
            [this](CameraState, const QString& reason) { m_lastReason = reason; });
    connect(m_reader, &CameraReader::attemptFailed, this,
            [this](const QString& reason) { finish(false, {}, reason); }, Qt::QueuedConnection);
    connect(m_reader, &CameraReader::frameRejected, this,
            [this](const QString& reason) { finish(false, {}, reason); }, Qt::QueuedConnection);
    m_clock.start();
    m_timeout.start(timeoutMs);
    m_reader->start();
}

void ConnectionTest::cancel()
{
    m_timeout.stop();
    if (CameraReader* reader = m_reader) {
        m_reader = nullptr;
        reader->disconnect(this);
        reader->stop();
        // The gate and stats it uses go with it.
        QObject::connect(reader, &QObject::destroyed, [gate = m_gate.release(), stats = m_stats.release()] {
            delete gate;
            delete stats;
        });
        reader->deleteLater();
    }
}

void ConnectionTest::onFrame(const EncodedFrame& frame)
{
    if (m_done)
        return;
    JpegDecoder decoder;
    cv::Mat bgr;
    QString error;
    if (!decoder.decodeBgr(frame.jpeg, bgr, {}, &error, CameraReader::maxJpegSizeFor(m_config))) {
        finish(false, {}, tr("The stream sent a frame that cannot be decoded (%1 bytes): %2")
                              .arg(frame.jpeg.size()).arg(error));
        return;
    }
    const QImage image = QImage(bgr.data, bgr.cols, bgr.rows, int(bgr.step[0]), QImage::Format_BGR888).copy();
    finish(true, image, tr("Connected: %1×%2 JPEG, %3 KB, first frame after %4 ms")
                            .arg(image.width()).arg(image.height())
                            .arg(frame.jpeg.size() / 1024.0, 0, 'f', 1)
                            .arg(m_clock.elapsed()));
}

void ConnectionTest::finish(bool ok, const QImage& image, const QString& message)
{
    if (m_done)
        return;
    m_done = true;
    cancel();
    emit finished(ok, image, message);
}

} // namespace vigil
