#pragma once
// What the user configures for one camera. Serialised as JSON in the app config.
#include <QJsonObject>
#include <QMetaType>
#include <QSize>
#include <QString>
#include <QUrl>

#include "config/detect_mode.h"
#include "config/event_config.h"
#include "config/limits.h"
#include "detection/detector.h"
#include "motion/motion_settings.h"

namespace vigil {

struct CameraConfig {
    QString id;                    // unique, used in logs, JSON and URLs (e.g. "cam1", "garage")
    QString name;                  // display name; defaults to id
    QUrl url;                      // http(s)://[user:pass@]host[:port]/path
    QString user;                  // optional; overrides credentials in the URL
    QString password;
    int skipFrames = 2;            // every Nth frame read is a candidate (1 = all)
    double maxFps = 10;            // cap on processed results per second
    // Motion (default): the detector runs where something moves, plus a whole-frame heartbeat.
    // The old "detection": false means Off.
    DetectMode detect = DetectMode::Motion;
    MotionSettings motion;         // analysed in every mode (stats, overlay, MQTT later)
    int heartbeatS = 30;           // motion mode: a whole-frame inference at least this often
    CameraEventConfig events;      // which tracked objects become events, zones, retention
    DetectorSettings detector;     // modelPath empty: the default model (see resolveModelPath)
    int jpegQuality = 80;          // for annotated output
    QSize outputSize;              // max size of the annotated output image; invalid: source size
    bool acceptSelfSignedTls = false;  // many IP cameras serve HTTPS with their own certificate
    int connectTimeoutMs = 5000;
    int stallTimeoutMs = 5000;     // no bytes for this long while connected: stalled
    int backoffInitialMs = 500;
    int backoffMaxMs = 10000;
    QSize maxJpegSize;             // per-camera cap on JPEG dimensions; invalid: limits.max_jpeg_*
    // Effective input limits, filled from the app's "limits" (and maxJpegSize) by the pipeline.
    // Not saved per camera.
    CaptureLimits captureLimits;
    // The remote node (its name) whose restream feeds this camera; empty for the user's own
    // cameras. Such cameras come from the node at each start and are never saved as cameras.
    QString remoteNode;

    bool detects() const { return detect != DetectMode::Off; }
    bool isRemote() const { return !remoteNode.isEmpty(); }
    QString displayName() const { return name.isEmpty() ? id : name; }
    QJsonObject toJson() const;
    // Unknown keys are ignored. A bad value is named in *errors (context + "\"key\": why") and left
    // at its default; a missing id or a bad URL makes the camera unusable (see isUsable()).
    static CameraConfig fromJson(const QJsonObject& obj, QStringList* errors = nullptr,
                                 const QString& context = {});
    // Has an id and a valid http(s) URL: can be run.
    bool isUsable() const;
    // Checks the URL: http/https with a host. Returns an empty string when valid, else the reason.
    static QString validateUrl(const QUrl& url);
    bool operator==(const CameraConfig&) const = default;
};

// The presets from the field: {name, skipFrames, maxFps}.
struct GatePreset {
    const char* name;
    int skipFrames;
    double maxFps;
};
inline constexpr GatePreset kGatePresets[] = {
    {"Real-time security", 1, 15},
    {"Parking lot monitoring", 2, 10},
    {"Background logging", 5, 5},
    {"Periodic snapshot", 10, 1},
};

} // namespace vigil

Q_DECLARE_METATYPE(vigil::CameraConfig)
