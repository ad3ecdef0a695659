#include "processing/frame_processor.h"

#include <QDateTime>
#include <QFileInfo>
#include <QElapsedTimer>
#include <opencv2/imgproc.hpp>

namespace vigil {

// Sizes and modification times of a model's files: changes when a file is replaced or appears.
static QString modelFilesStamp(const QString& modelPath)
{
    QString stamp;
    for (const QString& f : {modelPath, darknetWeightsFor(modelPath)}) {
        const QFileInfo fi(f);
        stamp += fi.exists() ? QStringLiteral("%1@%2;").arg(fi.size()).arg(fi.lastModified().toMSecsSinceEpoch())
                             : QStringLiteral("-;");
    }
    return stamp;
}

Detector* WorkerContext::detectorFor(const DetectorSettings& settings, QString* error, qint64 nowNs)
{
    dropUnused(nowNs);
    const QString key = QStringLiteral("%1|%2x%3").arg(settings.modelPath).arg(settings.inputSize.width())
                            .arg(settings.inputSize.height());
    auto it = m_detectors.find(key);
    if (it != m_detectors.end() && !it->second.detector && nowNs - it->second.checkedNs >= kRecheckFailedNs) {
        it->second.checkedNs = nowNs;
        if (modelFilesStamp(settings.modelPath) != it->second.filesStamp) {
            m_detectors.erase(it);  // the files changed: try again
            it = m_detectors.end();
        }
    }
    if (it == m_detectors.end()) {
        Entry e;
        e.filesStamp = modelFilesStamp(settings.modelPath);
        e.detector = createDetector(settings, &e.error);
        e.checkedNs = nowNs;
        it = m_detectors.emplace(key, std::move(e)).first;
    }
    Entry& entry = it->second;
    entry.lastUsedNs = nowNs;
    if (!entry.detector) {
        if (error)
            *error = entry.error;
        return nullptr;
    }
    entry.detector->setThresholds(settings.confThreshold, settings.nmsThreshold, settings.classFilter);
    return entry.detector.get();
}

void WorkerContext::dropUnused(qint64 nowNs)
{
    if (nowNs - m_sweptNs < kUnusedNs / 4)
        return;
    m_sweptNs = nowNs;
    for (auto it = m_detectors.begin(); it != m_detectors.end();)
        it = nowNs - it->second.lastUsedNs > kUnusedNs ? m_detectors.erase(it) : std::next(it);
}

size_t WorkerContext::loadedDetectorCount() const
{
    size_t n = 0;
    for (const auto& [key, entry] : m_detectors)
        n += entry.detector ? 1 : 0;
    return n;
}

QSize renditionSize(QSize source, const FrameFormat& format)
{
    const QSize wanted = format.maxSize;
    if (!wanted.isValid() || wanted.isEmpty())
        return source;
    const QSize fitted = source.scaled(wanted, Qt::KeepAspectRatio);
    return fitted.width() >= source.width() ? source : fitted.expandedTo(QSize(1, 1));
}

namespace {

QImage wrapAsImage(cv::Mat& m)
{
    return QImage(m.data, m.cols, m.rows, int(m.step), QImage::Format_BGR888);
}

// The annotated picture at one size: the decoded buffer itself, or a scaled copy.
QImage pictureAt(const QImage& decoded, const cv::Mat& bgr, QSize size)
{
    if (decoded.size() == size)
        return decoded;
    QImage scaled(size, QImage::Format_BGR888);
    cv::Mat dst(size.height(), size.width(), CV_8UC3, scaled.bits(), size_t(scaled.bytesPerLine()));
    cv::resize(bgr, dst, dst.size(), 0, 0, cv::INTER_AREA);
    return scaled;
}

} // namespace

QRect cropForFocus(QSize source, const QRect& focus, QSize modelInput)
{
    const QRect frame(QPoint(0, 0), source);
    const QRect area = focus & frame;
    if (area.isEmpty() || !modelInput.isValid())
        return {};
    // A quarter more than the area on each side: context helps the detector, and an object keeps
    // moving for one inference after its motion was seen.
    const int margin = std::max(area.width(), area.height()) / 4;
    int side = std::max(area.width(), area.height()) + 2 * margin;
    side = std::max(side, std::max(modelInput.width(), modelInput.height()));
    // A crop that covers most of the frame's shorter side or half its area gains nothing over the
    // letterboxed whole frame.
    const int shorter = std::min(source.width(), source.height());
    if (side * 5 >= shorter * 4 || 2 * qint64(side) * side >= qint64(source.width()) * source.height())
        return {};
    const QPoint c = area.center();
    const int x = std::clamp(c.x() - side / 2, 0, source.width() - side);
    const int y = std::clamp(c.y() - side / 2, 0, source.height() - side);
    return QRect(x, y, side, side);
}

ProcessResult processFrame(const QString& cameraId, const EncodedFrame& in, const ProcessingOptions& options,
                           const QVector<FrameFormat>& formats, WorkerContext& ctx, const QRect& focus)
{
    ProcessResult r;
    QSize source;
    if (!ctx.decoder.readSize(in.jpeg, &source, &r.error, options.maxJpegSize))
        return r;

    Detector* detector = nullptr;
    if (options.detectionEnabled) {
        if (options.detector.modelPath.isEmpty()) {
            r.detectorStatus = modelHelpText();
            r.detectorFailed = true;
        } else {
            QString error;
            detector = ctx.detectorFor(options.detector, &error);
            r.detectorStatus = detector ? detector->modelName() : error;
            r.detectorFailed = !detector;
        }
    }
    const QRect crop = detector ? cropForFocus(source, focus, detector->inputSize()) : QRect();

    // Decode once, only as large as the largest rendition and the model need (DCT scaling is
    // nearly free). A crop needs its own pixels at the model's input size.
    QSize needed(0, 0);
    bool decode = detector != nullptr;
    for (const FrameFormat& f : formats)
        if (f.image || (f.jpeg && renditionSize(source, f) != source)) {
            decode = true;
            needed = needed.expandedTo(renditionSize(source, f));
        }
    if (detector) {
        const QSize input = detector->inputSize();
        if (crop.isEmpty()) {
            needed = needed.expandedTo(source.scaled(input, Qt::KeepAspectRatio));
        } else {
            const double k = double(std::max(input.width(), input.height())) / crop.width();
            needed = needed.expandedTo(QSize(int(std::ceil(source.width() * k)), int(std::ceil(source.height() * k))));
        }
    }
    needed = needed.expandedTo(QSize(1, 1)).boundedTo(source);

    ProcessedFrame common;
    common.cameraId = cameraId;
    common.seq = in.seq;
    common.receivedNs = in.receivedNs;
    common.captureUs = in.captureUs;
    common.sourceSize = source;
    common.sourceJpeg = in.jpeg;
    common.motion = in.motion.motion;
    common.motionPct = in.motion.motionPct;
    common.motionBoxes = in.motion.boxes;

    QElapsedTimer timer;
    timer.start();
    QImage decoded;
    cv::Mat bgr;
    if (decode) {
        // Decode straight into the QImage's buffer: no copy for display.
        const QSize decodedSize = JpegDecoder::scaledSizeFor(source, needed);
        decoded = QImage(decodedSize, QImage::Format_BGR888);
        bgr = cv::Mat(decodedSize.height(), decodedSize.width(), CV_8UC3, decoded.bits(),
                      size_t(decoded.bytesPerLine()));
        if (!ctx.decoder.decodeBgr(in.jpeg, bgr, needed, &r.error, options.maxJpegSize))
            return r;
        if (bgr.data != decoded.bits())  // the decoder reallocated: use what it produced
            decoded = wrapAsImage(bgr).copy();
        common.decodeMs = timer.nsecsElapsed() / 1e6;
    }

    if (detector) {
        timer.restart();
        const double toDecoded = double(bgr.cols) / source.width();
        const QRect region = crop.isEmpty() ? QRect(QPoint(0, 0), source) : crop;
        cv::Rect roi(int(region.x() * toDecoded), int(region.y() * toDecoded),
                     int(std::lround(region.width() * toDecoded)), int(std::lround(region.height() * toDecoded)));
        roi &= cv::Rect(0, 0, bgr.cols, bgr.rows);
        QVector<Detection> found = detector->detect(crop.isEmpty() ? bgr : bgr(roi));
        common.inferMs = timer.nsecsElapsed() / 1e6;
        const double toSource = double(source.width()) / bgr.cols;
        for (Detection& d : found)
            d.box = QRectF((d.box.x() + roi.x) * toSource, (d.box.y() + roi.y) * toSource,
                           d.box.width() * toSource, d.box.height() * toSource);
        common.detections = std::move(found);
        common.inferred = true;
        common.inferRegion = region;
        r.inferred = true;
        r.inferRegion = region;
    }
    const bool drawn = !common.detections.isEmpty();
    if (drawn) {
        annotate(bgr, common.detections, double(bgr.cols) / source.width());
        if (bgr.data != decoded.bits())
            decoded = wrapAsImage(bgr).copy();
    }

    common.processedNs = nowNs();
    common.wallMs = QDateTime::currentMSecsSinceEpoch();
    r.frames.reserve(formats.size());
    for (const FrameFormat& f : formats) {
        auto out = std::make_shared<ProcessedFrame>(common);
        if (f.wantsPixels()) {
            out->size = renditionSize(source, f);
            const bool sourceBytes = !drawn && out->size == source;
            QImage picture;
            if (f.image || !sourceBytes)
                picture = pictureAt(decoded, bgr, out->size);
            if (f.image)
                out->image = picture;
            if (f.jpeg) {
                if (sourceBytes) {
                    out->jpeg = in.jpeg;  // nothing drawn at source size: the camera's own bytes
                } else {
                    cv::Mat m(picture.height(), picture.width(), CV_8UC3, const_cast<uchar*>(picture.constBits()),
                              size_t(picture.bytesPerLine()));
                    out->jpeg = ctx.encoder.encodeBgr(m, options.jpegQuality);
                }
            }
        }
        r.frames.append(std::move(out));
    }
    return r;
}

// Stable, well separated colours per class (golden-ratio hue steps).
static cv::Scalar classColour(int classId)
{
    const double hue = std::fmod(0.61803398875 * (classId + 1), 1.0) * 180.0;
    cv::Mat hsv(1, 1, CV_8UC3, cv::Scalar(hue, 200, 255)), bgr;
    cv::cvtColor(hsv, bgr, cv::COLOR_HSV2BGR);
    const cv::Vec3b c = bgr.at<cv::Vec3b>(0, 0);
    return cv::Scalar(c[0], c[1], c[2]);
}

void annotate(cv::Mat& bgr, const QVector<Detection>& detections, double scaleToImage)
{
    // Line and text sizes follow the image size so labels stay readable on small tiles.
    const double unit = std::max(bgr.cols, bgr.rows) / 640.0;
    const int thickness = std::max(1, int(std::lround(2 * unit)));
    const double fontScale = std::max(0.4, 0.5 * unit);
    for (const Detection& d : detections) {
        const cv::Rect box(int(d.box.x() * scaleToImage), int(d.box.y() * scaleToImage),
                           int(d.box.width() * scaleToImage), int(d.box.height() * scaleToImage));
        const cv::Scalar colour = classColour(d.classId);
        cv::rectangle(bgr, box, colour, thickness, cv::LINE_AA);
        const std::string label =
            QStringLiteral("%1 %2%").arg(d.name).arg(int(d.score * 100 + 0.5)).toStdString();
        int baseline = 0;
        const cv::Size ts = cv::getTextSize(label, cv::FONT_HERSHEY_SIMPLEX, fontScale, thickness, &baseline);
        const int top = std::max(0, box.y - ts.height - baseline - 4);
        const cv::Rect bg(box.x, top, ts.width + 6, ts.height + baseline + 4);
        cv::rectangle(bgr, bg & cv::Rect(0, 0, bgr.cols, bgr.rows), colour, cv::FILLED);
        cv::putText(bgr, label, cv::Point(box.x + 3, top + ts.height + 1), cv::FONT_HERSHEY_SIMPLEX,
                    fontScale, cv::Scalar(20, 20, 20), thickness, cv::LINE_AA);
    }
}

} // namespace vigil
