#include "cli_options.h"

#include <QCommandLineParser>
#include <QRegularExpression>
#include <cmath>
#include <cstdio>

#include "common/redact.h"
#include "list_events.h"

namespace vigil {

CameraConfig cameraFromArgument(const QString& argument, int index, QString* error)
{
    CameraConfig c;
    QString url = argument.trimmed();
    // "NAME=URL": a name never contains ':' or '/', so "http://h/?a=b" is not split.
    static const QRegularExpression named(QStringLiteral("^([A-Za-z0-9_.-]+)=(.+)$"));
    const auto m = named.match(url);
    if (m.hasMatch()) {
        c.id = m.captured(1);
        url = m.captured(2);
    } else {
        c.id = QStringLiteral("cam%1").arg(index);
    }
    c.name = c.id;
    c.url = QUrl(url, QUrl::StrictMode);
    const QString problem = CameraConfig::validateUrl(c.url);
    if (!problem.isEmpty() && error)
        *error = redactedText(QStringLiteral("--camera %1: %2").arg(argument, problem));
    return c;
}

CliParseResult parseCommandLine(const QStringList& arguments)
{
    CliParseResult r;
    CliOptions& cli = r.options;
    PipelineOverrides& o = cli.overrides;
    QCommandLineParser p;
    p.setApplicationDescription(
        "Vigil watches MJPEG network cameras in real time, runs object detection on them and shows "
        "(or rebroadcasts) annotated live video with live statistics.");
    const QCommandLineOption help = p.addHelpOption();
    const QCommandLineOption version = p.addVersionOption();
    const QCommandLineOption headless("headless", "Run without a window: log to stderr, stats to stdout.");
    const QCommandLineOption camera("camera", "Add a camera: [NAME=]URL (repeatable). Ids default to cam1, cam2, ...", "[NAME=]URL");
    const QCommandLineOption skip("skip-frames", "Process every Nth frame read (1 = all).", "N");
    const QCommandLineOption fps("fps", "At most F processed frames per second.", "F");
    const QCommandLineOption duration("duration", "Exit after S seconds (headless).", "S");
    const QCommandLineOption statsJson("stats-json", "Print one JSON object per camera per second on stdout.");
    const QCommandLineOption demo("demo", "Add the built-in demo camera (an MJPEG server on 127.0.0.1).");
    const QCommandLineOption config(
        "config", "Use this configuration file instead of the standard one. With --headless: run its cameras "
                  "and rebroadcast settings (the file is only read).", "FILE");
    const QCommandLineOption model("model", "Detection model: an .onnx file, or a Darknet .cfg with its .weights beside it.", "PATH");
    const QCommandLineOption conf("conf", "Detection confidence threshold (0..1, default 0.25).", "X");
    const QCommandLineOption nms("nms", "NMS IoU threshold (0..1, default 0.45).", "X");
    const QCommandLineOption classes("classes", "Only these classes, e.g. person,car.", "LIST");
    const QCommandLineOption noDetect("no-detect", "Do not run object detection (the same as --detect off).");
    const QCommandLineOption detect("detect", "When the detector runs: always, motion (default: where something "
                                              "moves, plus a heartbeat) or off.", "MODE");
    const QCommandLineOption motionThreshold("motion-threshold", "Motion: grey-level difference that counts "
                                                                 "as change (1..255, default 25).", "N");
    const QCommandLineOption motionMinArea("motion-min-area", "Motion: smallest moving region, percent of the "
                                                              "frame (0..100, default 0.1).", "PCT");
    const QCommandLineOption heartbeat("heartbeat", "Motion mode: infer the whole frame at least every S seconds "
                                                    "(default 30).", "S");
    const QCommandLineOption eventsDir("events-dir", "Keep events (database, snapshots, clips) in DIR.", "DIR");
    const QCommandLineOption listEvents("list-events", "Print the stored events, one JSON object per line "
                                                       "(newest first), and exit.");
    const QCommandLineOption since("since", "With --list-events: only events that started in the last "
                                            "DURATION (90s, 15m, 1h, 2d).", "DURATION");
    const QCommandLineOption cameraId("camera-id", "With --list-events: only this camera's events.", "ID");
    const QCommandLineOption workers("workers", "Processing workers (default: half the cores).", "N");
    const QCommandLineOption wsPort("ws-port", "Rebroadcast annotated video over HTTP/WebSocket on this port.", "PORT");
    const QCommandLineOption wsBind("ws-bind", "Address the rebroadcast server binds (default 127.0.0.1).", "ADDR");
    const QCommandLineOption wsToken("ws-token", "Access token required by the rebroadcast server (?token=...).", "TOKEN");
    const QCommandLineOption mqtt("mqtt", "Publish to this MQTT broker (and Home Assistant discovery): "
                                          "mqtt[s]://[user:pass@]host[:port].", "URL");
    const QCommandLineOption mqttPrefix("mqtt-prefix", "MQTT topic prefix (default vigil).", "P");
    p.addOptions({headless, camera, skip, fps, duration, statsJson, demo, config, model, conf, nms, classes,
                  noDetect, detect, motionThreshold, motionMinArea, heartbeat, eventsDir, listEvents, since, cameraId, workers,
                  wsPort, wsBind, wsToken, mqtt, mqttPrefix});

    if (!p.parse(arguments)) {
        r.error = p.errorText();
        return r;
    }
    if (p.isSet(help)) {
        std::fputs(qPrintable(p.helpText()), stdout);
        r.exitNow = true;
        return r;
    }
    if (p.isSet(version)) {
        std::printf("vigil %s\n", VIGIL_VERSION);
        r.exitNow = true;
        return r;
    }
    if (!p.positionalArguments().isEmpty()) {
        r.error = QStringLiteral("unexpected argument \"%1\" (cameras are added with --camera URL)")
                      .arg(p.positionalArguments().first());
        return r;
    }

    auto number = [&](const QCommandLineOption& opt, double lo, double hi, double& out) {
        if (!p.isSet(opt) || !r.error.isEmpty())
            return;
        bool ok = false;
        const double v = p.value(opt).toDouble(&ok);
        if (!ok || v < lo || v > hi)
            r.error = QStringLiteral("--%1 must be a number from %2 to %3 (got \"%4\")")
                          .arg(opt.names().first()).arg(lo).arg(hi).arg(p.value(opt));
        else
            out = v;
    };
    double skipValue = -1, wsPortValue = -1, workersValue = 0;
    number(skip, 1, 1000, skipValue);
    number(fps, 0.01, 1000, o.maxFps);
    number(duration, 0.001, 1e9, cli.durationS);
    double confValue = o.detector.confThreshold, nmsValue = o.detector.nmsThreshold;
    number(conf, 0, 1, confValue);
    number(nms, 0, 1, nmsValue);
    number(workers, 1, 256, workersValue);
    number(wsPort, 0, 65535, wsPortValue);
    double thresholdValue = -1, heartbeatValue = -1;
    number(motionThreshold, 1, 255, thresholdValue);
    number(motionMinArea, 0, 100, o.motionMinAreaPct);
    number(heartbeat, 1, 86400, heartbeatValue);
    if (p.isSet(skip) && r.error.isEmpty() && skipValue != int(skipValue))
        r.error = QStringLiteral("--skip-frames must be a whole number");
    if (p.isSet(motionThreshold) && r.error.isEmpty() && thresholdValue != int(thresholdValue))
        r.error = QStringLiteral("--motion-threshold must be a whole number");
    if (p.isSet(detect) && r.error.isEmpty()) {
        DetectMode mode;
        if (parseDetectMode(p.value(detect), &mode))
            o.detect = mode;
        else
            r.error = QStringLiteral("--detect must be always, motion or off (got \"%1\")").arg(p.value(detect));
    }
    if (!r.error.isEmpty())
        return r;
    o.skipFrames = int(skipValue);
    o.workers = int(workersValue);
    o.motionThreshold = int(thresholdValue);
    o.heartbeatS = int(std::lround(heartbeatValue));
    o.wsPort = int(wsPortValue);
    o.detector.confThreshold = float(confValue);
    o.detector.nmsThreshold = float(nmsValue);
    o.detector.modelPath = p.value(model);
    for (const QString& c : p.value(classes).split(',', Qt::SkipEmptyParts))
        o.detector.classFilter << c.trimmed();
    o.detectorGiven = p.isSet(model) || p.isSet(conf) || p.isSet(nms) || p.isSet(classes);
    o.detection = !p.isSet(noDetect);
    cli.headless = p.isSet(headless);
    o.demo = p.isSet(demo);
    cli.statsJson = p.isSet(statsJson);
    cli.configPath = p.value(config);
    o.eventsDir = p.value(eventsDir);
    cli.listEvents = p.isSet(listEvents);
    cli.listCameraId = p.value(cameraId);
    if (p.isSet(since) && !parseDuration(p.value(since), &cli.listSinceS)) {
        r.error = QStringLiteral("--since must be a duration like 90s, 15m, 1h or 2d (got \"%1\")").arg(p.value(since));
        return r;
    }
    if ((p.isSet(since) || p.isSet(cameraId)) && !cli.listEvents) {
        r.error = QStringLiteral("--since and --camera-id go with --list-events");
        return r;
    }
    if (cli.listEvents)
        return r;  // no camera needed
    o.wsBind = p.value(wsBind);
    o.wsToken = p.value(wsToken);
    if (p.isSet(mqtt)) {
        MqttSettings parsed;
        QString why;
        if (!parseMqttUrl(p.value(mqtt), &parsed, &why)) {
            r.error = redactedText(QStringLiteral("--mqtt %1: %2").arg(p.value(mqtt), why));
            return r;
        }
        o.mqttUrl = p.value(mqtt);
    }
    if (p.isSet(mqttPrefix)) {
        if (!isValidTopicPrefix(p.value(mqttPrefix))) {
            r.error = QStringLiteral("--mqtt-prefix \"%1\" is not a topic prefix (no + # or empty levels)")
                          .arg(p.value(mqttPrefix));
            return r;
        }
        o.mqttPrefix = p.value(mqttPrefix);
    }

    const QStringList cams = p.values(camera);
    for (int i = 0; i < cams.size(); ++i) {
        CameraConfig c = cameraFromArgument(cams[i], i + 1, &r.error);
        if (!r.error.isEmpty())
            return r;
        for (const CameraConfig& other : std::as_const(o.cameras))
            if (other.id == c.id) {
                r.error = QStringLiteral("two cameras are named \"%1\"").arg(c.id);
                return r;
            }
        o.cameras << c;  // the overrides are applied by the Pipeline
    }
    o.applyToSettingsCameras = cli.headless;  // headless only reads the file: its cameras follow the command line
    if (cli.headless && o.cameras.isEmpty() && !o.demo && cli.configPath.isEmpty())
        r.error = QStringLiteral("--headless needs at least one --camera URL, --demo, or --config FILE");
    return r;
}

} // namespace vigil
