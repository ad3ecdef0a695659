#pragma once
// Command-line options shared by the headless and desktop modes.
#include <QList>
#include <QString>
#include <QStringList>

#include "config/camera_config.h"
#include "pipeline/pipeline_overrides.h"

namespace vigil {

struct CliOptions {
    bool headless = false;
    bool statsJson = false;
    double durationS = 0;            // 0: run until interrupted
    QString configPath;
    bool listEvents = false;         // --list-events: print stored events and exit
    double listSinceS = 0;           // --since DURATION; 0: all
    QString listCameraId;            // --camera-id ID
    // Everything that changes what runs (cameras, demo, skip/fps, detector, workers, --ws-*):
    // applied by the Pipeline, the one place that knows the policy.
    PipelineOverrides overrides;
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
