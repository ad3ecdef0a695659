#pragma once
// Entry point of the desktop application (called by app/main.cpp once QApplication exists).
#include <QList>
#include <QString>

#include "config/camera_config.h"

namespace vigil {

struct DesktopOptions {
    QString configPath;               // empty: the standard application config location
    bool demo = false;                // add the built-in demo camera for this session
    QList<CameraConfig> cameras;      // from --camera: added for this session
    int skipFrames = -1;              // from --skip-frames/--fps: applied to --camera cameras (-1: keep)
    double maxFps = -1;
    int workers = 0;                  // processing workers; 0: sized to the machine
    int wsPort = -1;                  // from --ws-port: enable the rebroadcast server (-1: settings)
    QString wsBind;                   // from --ws-bind
    QString wsToken;                  // from --ws-token
};

int runDesktop(const DesktopOptions& options);

} // namespace vigil
