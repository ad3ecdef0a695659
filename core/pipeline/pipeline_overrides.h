#pragma once
// What the command line overrides in the settings for one run. Applied only by the Pipeline
// (applyOverrides / the rebroadcast choice), so desktop and headless follow one policy.
#include <QList>
#include <QString>
#include <optional>

#include "config/app_settings.h"
#include "config/camera_config.h"

namespace vigil {

struct PipelineOverrides {
    int skipFrames = -1;              // --skip-frames; -1: keep
    double maxFps = -1;               // --fps; -1: keep
    bool detection = true;            // false: --no-detect (the same as --detect off)
    std::optional<DetectMode> detect; // --detect always|motion|off
    int motionThreshold = -1;         // --motion-threshold; -1: keep
    double motionMinAreaPct = -1;     // --motion-min-area; -1: keep
    int heartbeatS = -1;              // --heartbeat; -1: keep
    DetectorSettings detector;        // --model/--conf/--nms/--classes
    bool detectorGiven = false;
    int workers = 0;                  // --workers; 0: sized to the machine
    int wsPort = -1;                  // --ws-port; -1: the settings decide
    QString wsBind;                   // --ws-bind
    QString wsToken;                  // --ws-token
    QString mqttUrl;                  // --mqtt mqtt[s]://[user:pass@]host[:port] (checked by the CLI)
    QString mqttPrefix;               // --mqtt-prefix
    QString eventsDir;                // --events-dir: the events database and files live here
    bool demo = false;                // --demo: the built-in demo camera, for this run only
    QList<CameraConfig> cameras;      // --camera: for this run only
    // Headless runs a configuration file without saving it: the overrides apply to its cameras
    // too. The desktop keeps saved cameras as saved (they would be written back overridden).
    bool applyToSettingsCameras = false;

    bool rebroadcastGiven() const { return wsPort >= 0 || !wsBind.isEmpty() || !wsToken.isEmpty(); }
    bool mqttGiven() const { return !mqttUrl.isEmpty() || !mqttPrefix.isEmpty(); }
};

// The camera with the command line's skip/fps/detection/motion/detector applied.
CameraConfig applyOverrides(CameraConfig camera, const PipelineOverrides& overrides);
// The rebroadcast settings after the command line: --ws-port enables it on that port; --ws-bind
// and --ws-token replace the settings' values.
AppSettings applyRebroadcastOverrides(AppSettings settings, const PipelineOverrides& overrides);
// The MQTT settings after the command line: --mqtt enables it with that broker (and credentials),
// --mqtt-prefix replaces the topic prefix.
MqttSettings applyMqttOverrides(MqttSettings settings, const PipelineOverrides& overrides);

} // namespace vigil
