#pragma once
// Entry point of the desktop application (called by app/main.cpp once QApplication exists).
#include <QList>
#include <QString>

#include "pipeline/pipeline_overrides.h"

namespace vigil {

struct DesktopOptions {
    QString configPath;               // empty: the standard application config location
    PipelineOverrides overrides;      // the command line's: --camera, --demo, --skip-frames, --ws-*, ...
};

int runDesktop(const DesktopOptions& options);

} // namespace vigil
