#pragma once
// Writes a snapshot of one processed frame: the annotated image (PNG or JPEG), optionally the raw
// camera JPEG, and a JSON sidecar (camera, time, sequence, source size, detections).
// All or nothing: each file goes through QSaveFile, and files already written are removed when a
// later one fails. Thread-safe (no shared state), so it may run off the GUI thread.
#include <QDateTime>
#include <QString>
#include <QStringList>

#include "common/frame.h"

namespace vigil {

struct SnapshotOptions {
    QString folder;                 // created when missing
    QString format = "png";         // "png" or "jpeg"
    bool includeRaw = false;        // also write the camera's original JPEG (<base>_raw.jpg)
    int jpegQuality = 92;
};

struct SnapshotResult {
    bool ok = false;
    QString error;                  // user-facing reason when !ok
    QString imagePath;
    QString rawPath;                // empty unless includeRaw
    QString sidecarPath;
    QStringList files() const;      // the files written
};

class SnapshotWriter {
public:
    // `when` is the time used for the file name and the sidecar (default: the frame's wallMs).
    static SnapshotResult write(const ProcessedFrame& frame, const QString& cameraName,
                                const SnapshotOptions& options, QDateTime when = {});
    // "<camera>_2026-11-24_14-03-05-123": camera made file-name safe.
    static QString baseName(const QString& camera, const QDateTime& when);
    static QString safeFileName(const QString& text);
};

} // namespace vigil
