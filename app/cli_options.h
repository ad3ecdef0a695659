#pragma once
// Command-line options shared by the headless and desktop modes.
#include <QList>
#include <QString>
#include <QStringList>

#include "config/camera_config.h"

namespace vigil {

struct CliOptions {
    bool headless = false;
    bool demo = false;
    bool statsJson = false;
    double durationS = 0;            // 0: run until interrupted
    QString configPath;
    QList<CameraConfig> cameras;     // from --camera, ids assigned
    int skipFrames = -1;             // -1: not given
    double maxFps = -1;
    bool detection = true;
    DetectorSettings detector;       // --model/--conf/--nms/--classes
    bool detectorGiven = false;
    int workers = 0;
    int wsPort = -1;
    QString wsBind;
    QString wsToken;
};

struct CliParseResult {
    CliOptions options;
    QString error;                   // non-empty: print it and exit with status 2
    bool exitNow = false;            // --help/--version were handled
};

CliParseResult parseCommandLine(const QStringList& arguments);

// Splits "[NAME=]URL"; the id is NAME or "cam<index>".
CameraConfig cameraFromArgument(const QString& argument, int index, QString* error);

} // namespace vigil
