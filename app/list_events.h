#pragma once
// vigil --list-events: prints the stored events, one JSON object per line (newest first), and
// exits. Needs no display and starts no camera.
#include "cli_options.h"

namespace vigil {

// "90s", "15m", "1h", "2d" or plain seconds; false for anything else.
bool parseDuration(const QString& text, double* seconds);
// The events folder a run would use: --events-dir, else the configuration's, else the default.
QString eventsFolderFor(const CliOptions& options);
int runListEvents(const CliOptions& options);

} // namespace vigil
