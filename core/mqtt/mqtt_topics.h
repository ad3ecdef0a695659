#pragma once
// Vigil's topics under the prefix P, and the commands it takes. Pure (tests and the fuzzer use it).
//   P/available                      online | offline (retained; offline is the last will)
//   P/events                         {"type": "new|update|end", "before": {...}, "after": {...}}
//   P/stats                          the /api/stats JSON, every stats interval
//   P/<camera>/<label>, P/<camera>/all   objects in view now (retained)
//   P/<camera>/<label>/snapshot      JPEG of the latest event's best picture (retained)
//   P/<camera>/snapshot              JPEG taken on P/<camera>/snapshot/set (retained)
//   P/<camera>/motion                ON | OFF (retained)
//   P/<camera>/status                live | stalled | reconnecting | error | ... (retained)
//   P/<camera>/stats                 the camera's stats JSON (retained), for Home Assistant sensors
//   P/<camera>/<command>/set         detect (ON|OFF), fps, skip_frames, snapshot; echoed on .../state
#include <QByteArray>
#include <QString>
#include <optional>

namespace vigil {

// A label as one topic level: spaces (and anything but letters, digits, - and _) become '_'.
QString topicLabel(const QString& label);
// The prefix as part of an id (unique_id, node_id): '/' and other specials become '_'.
QString idFromPrefix(const QString& prefix);

struct MqttTopics {
    QString prefix;
    QString available() const { return prefix + "/available"; }
    QString events() const { return prefix + "/events"; }
    QString stats() const { return prefix + "/stats"; }
    QString camera(const QString& cameraId, const QString& leaf) const { return prefix + '/' + cameraId + '/' + leaf; }
    QString count(const QString& cameraId, const QString& label) const { return camera(cameraId, topicLabel(label)); }
    QString labelSnapshot(const QString& cameraId, const QString& label) const { return count(cameraId, label) + "/snapshot"; }
    QString commandState(const QString& cameraId, const QString& command) const { return camera(cameraId, command + "/state"); }
    QString commandSet(const QString& cameraId, const QString& command) const { return camera(cameraId, command + "/set"); }
    QString commandFilter() const { return prefix + "/+/+/set"; }
};

struct MqttCommand {
    enum class Kind { Detect, Fps, SkipFrames, Snapshot };
    QString camera;
    Kind kind = Kind::Detect;
    bool on = false;       // Detect
    double fps = 0;        // Fps: 0 = no cap
    int skipFrames = 1;    // SkipFrames
};
QString commandName(MqttCommand::Kind kind);  // "detect", "fps", "skip_frames", "snapshot"

// P/<camera>/<command>/set with its payload; nullopt with *error (for the log) when the topic is
// not a command of ours or the payload is not valid for it. Detect takes ON/OFF (any case, also
// true/false, 1/0); fps a number 0..1000; skip_frames a whole number 1..1000; snapshot anything.
std::optional<MqttCommand> parseMqttCommand(const QString& prefix, const QString& topic, const QByteArray& payload,
                                            QString* error);

} // namespace vigil
