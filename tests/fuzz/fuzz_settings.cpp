// libFuzzer harness for the configuration reader: any bytes must load without crashing, every
// problem must be reported as text, and what was loaded must survive a save/load round trip.
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdint>
#include <cstdlib>

#include "config/app_settings.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char*>(data), qsizetype(size));
    const vigil::AppSettingsRead read = vigil::parseAppSettings(bytes);
    if (!read.parsed)
        return 0;
    // What was accepted is valid: written and read back, it loads whole and unchanged.
    const QByteArray saved = QJsonDocument(read.settings.toJson()).toJson();
    const vigil::AppSettingsRead again = vigil::parseAppSettings(saved);
    if (!again.parsed || !again.problems.isEmpty() || !(again.settings == read.settings)) {
        fprintf(stderr, "round trip changed the settings:\n%s\nproblems: %s\n", saved.constData(),
                qPrintable(again.problems.join("; ")));
        abort();
    }
    return 0;
}
