#include "processing/snapshot_writer.h"

#include <QBuffer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSaveFile>

#include "common/detection_json.h"
#include "processing/frame_processor.h"
#include "processing/jpeg_codec.h"

namespace vigil {

QStringList SnapshotResult::files() const
{
    QStringList out;
    for (const QString& p : {imagePath, rawPath, sidecarPath})
        if (!p.isEmpty())
            out << p;
    return out;
}

QString SnapshotWriter::safeFileName(const QString& text)
{
    static const QRegularExpression bad(QStringLiteral("[^A-Za-z0-9._-]+"));
    QString s = text.trimmed();
    s.replace(bad, QStringLiteral("-"));
    while (s.startsWith('.') || s.startsWith('-'))
        s.remove(0, 1);
    while (s.endsWith('-'))
        s.chop(1);
    return s.isEmpty() ? QStringLiteral("camera") : s.left(64);
}

QString SnapshotWriter::baseName(const QString& camera, const QDateTime& when)
{
    return safeFileName(camera) + "_" + when.toString(QStringLiteral("yyyy-MM-dd_HH-mm-ss-zzz"));
}

namespace {

// Writes bytes through QSaveFile: either the complete file appears, or nothing does.
bool writeAtomically(const QString& path, const QByteArray& bytes, QString* error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        *error = QStringLiteral("Could not write %1: %2").arg(QDir::toNativeSeparators(path), file.errorString());
        return false;
    }
    if (file.write(bytes) != bytes.size()) {
        *error = QStringLiteral("Could not write %1: %2").arg(QDir::toNativeSeparators(path), file.errorString());
        file.cancelWriting();
        return false;
    }
    if (!file.commit()) {
        *error = QStringLiteral("Could not save %1: %2").arg(QDir::toNativeSeparators(path), file.errorString());
        return false;
    }
    return true;
}

// The snapshot at the camera's own size: the source JPEG with the boxes drawn on it, so the file
// never depends on the size a tile or viewer asked for. Without a source JPEG (tests, a frame
// that lost it), the rendition's own image or JPEG.
QImage annotatedImage(const ProcessedFrame& frame)
{
    JpegDecoder decoder;
    cv::Mat bgr;
    if (!frame.sourceJpeg.isEmpty() && decoder.decodeBgr(frame.sourceJpeg, bgr)) {
        if (!frame.detections.isEmpty() && frame.sourceSize.width() > 0)
            annotate(bgr, frame.detections, double(bgr.cols) / frame.sourceSize.width());
        return QImage(bgr.data, bgr.cols, bgr.rows, int(bgr.step), QImage::Format_BGR888)
            .convertToFormat(QImage::Format_RGB888);
    }
    QImage best = frame.image;
    if (!frame.jpeg.isEmpty()) {
        QImage decoded;
        if (decoded.loadFromData(frame.jpeg, "JPEG") && decoded.width() > best.width())
            best = decoded;
    }
    if (best.format() != QImage::Format_RGB888 && best.format() != QImage::Format_RGB32)
        best = best.convertToFormat(QImage::Format_RGB888);
    return best;
}

QJsonObject sizeJson(QSize s) { return QJsonObject{{"width", s.width()}, {"height", s.height()}}; }

} // namespace

SnapshotResult SnapshotWriter::write(const ProcessedFrame& frame, const QString& cameraName,
                                     const SnapshotOptions& options, QDateTime when)
{
    SnapshotResult r;
    if (!when.isValid())
        when = frame.wallMs > 0 ? QDateTime::fromMSecsSinceEpoch(frame.wallMs) : QDateTime::currentDateTime();
    const QString format = options.format.toLower() == "jpg" ? QStringLiteral("jpeg") : options.format.toLower();
    if (format != "png" && format != "jpeg") {
        r.error = QStringLiteral("Unknown snapshot format \"%1\" (use png or jpeg)").arg(options.format);
        return r;
    }
    if (options.folder.isEmpty()) {
        r.error = QStringLiteral("No snapshot folder is set");
        return r;
    }
    const QImage image = annotatedImage(frame);
    if (image.isNull()) {
        r.error = QStringLiteral("No frame to save from %1 yet").arg(cameraName);
        return r;
    }
    QDir dir(options.folder);
    if (!dir.exists() && !QDir().mkpath(options.folder)) {
        r.error = QStringLiteral("Could not create the snapshot folder %1 (check that it is writable)")
                      .arg(QDir::toNativeSeparators(options.folder));
        return r;
    }

    // A unique base name: two snapshots within the same millisecond get a suffix.
    QString base = baseName(cameraName, when);
    const QString ext = format == "png" ? QStringLiteral(".png") : QStringLiteral(".jpg");
    for (int i = 2; QFile::exists(dir.filePath(base + ext)) || QFile::exists(dir.filePath(base + ".json")); ++i)
        base = baseName(cameraName, when) + "-" + QString::number(i);

    QByteArray encoded;
    {
        QBuffer buffer(&encoded);
        buffer.open(QIODevice::WriteOnly);
        if (!image.save(&buffer, format == "png" ? "PNG" : "JPEG", format == "png" ? -1 : options.jpegQuality)) {
            r.error = QStringLiteral("Could not encode the %1 image").arg(format.toUpper());
            return r;
        }
    }

    const QString imagePath = dir.filePath(base + ext);
    const QString rawPath = options.includeRaw && !frame.sourceJpeg.isEmpty() ? dir.filePath(base + "_raw.jpg") : QString();
    const QString sidecarPath = dir.filePath(base + ".json");

    QJsonObject sidecar{
        {"camera_id", frame.cameraId},
        {"camera_name", cameraName},
        {"time", when.toOffsetFromUtc(when.offsetFromUtc()).toString(Qt::ISODateWithMs)},
        {"wall_ms", double(when.toMSecsSinceEpoch())},
        {"seq", double(frame.seq)},
        {"source_size", sizeJson(frame.sourceSize)},
        {"image_size", sizeJson(image.size())},
        {"image", QFileInfo(imagePath).fileName()},
        {"detections", detectionsJson(frame.detections)},
        // false: the detector did not look at this frame (motion gating); its empty detections
        // say nothing about what is in the picture.
        {"inferred", frame.inferred},
    };
    if (!rawPath.isEmpty())
        sidecar["raw"] = QFileInfo(rawPath).fileName();

    // Image first, sidecar last; on any failure remove what this call already committed.
    QStringList written;
    auto rollback = [&] {
        for (const QString& p : written)
            QFile::remove(p);
    };
    if (!writeAtomically(imagePath, encoded, &r.error))
        return r;
    written << imagePath;
    if (!rawPath.isEmpty()) {
        if (!writeAtomically(rawPath, frame.sourceJpeg, &r.error)) {
            rollback();
            return r;
        }
        written << rawPath;
    }
    if (!writeAtomically(sidecarPath, QJsonDocument(sidecar).toJson(QJsonDocument::Indented), &r.error)) {
        rollback();
        return r;
    }
    r.ok = true;
    r.imagePath = imagePath;
    r.rawPath = rawPath;
    r.sidecarPath = sidecarPath;
    return r;
}

} // namespace vigil
