#pragma once
// The persisted configuration of the desktop app: cameras and app settings, as one JSON file.
// No QtWidgets here: the CLI and tests use it too.
#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>

#include "config/camera_config.h"
#include "config/event_config.h"
#include "config/limits.h"
#include "config/mqtt_settings.h"
#include "remote/remote_node_config.h"

namespace vigil {

struct AppSettings {
    QList<CameraConfig> cameras;

    QString snapshotDir;                  // empty: defaultSnapshotDir()
    QString snapshotFormat = "png";       // "png" or "jpeg"
    bool snapshotIncludeRaw = false;      // also write the camera's original JPEG

    bool rebroadcastEnabled = false;
    QString rebroadcastBind = "127.0.0.1";
    int rebroadcastPort = 8081;
    QString rebroadcastToken;

    QList<RemoteNodeConfig> remoteNodes;  // "remote_nodes": other Vigils whose cameras and events this one shows

    Limits limits;                        // the "limits" section (see config/limits.h)
    EventsSettings events;                // the "events" section
    MqttSettings mqtt;                    // the "mqtt" section (see config/mqtt_settings.h)

    int defaultSkipFrames = 2;            // for cameras added from now on
    double defaultMaxFps = 10;

    QByteArray windowGeometry;            // QWidget::saveGeometry(), optional
    QByteArray windowState;               // QMainWindow::saveState(), optional

    QString effectiveSnapshotDir() const;
    QJsonObject toJson() const;
    // Reads what it can: every bad key or camera is named in *errors and left at its default.
    static AppSettings fromJson(const QJsonObject& obj, QStringList* errors);
    bool operator==(const AppSettings&) const = default;

    static QString defaultPath();         // <AppConfigLocation>/config.json
    static QString defaultSnapshotDir();  // <Pictures>/Vigil
};

struct AppSettingsLoad {
    AppSettings settings;
    bool firstLaunch = false;   // no file yet
    QString message;            // non-empty when the file was unusable (for the UI to show)
    QString backupPath;         // where the unusable file was kept
};

// What a configuration file holds, read without touching it (the headless mode's view).
struct AppSettingsRead {
    AppSettings settings;
    bool exists = false;
    QString readError;          // exists but could not be opened
    bool parsed = false;        // a JSON object: settings holds its valid parts
    QStringList problems;       // bad JSON, bad keys, bad cameras
};
AppSettingsRead readAppSettings(const QString& path);
// The same from bytes already read (exists = true).
AppSettingsRead parseAppSettings(const QByteArray& bytes);

// A missing file is a first launch. A corrupt file (bad JSON or bad values) is copied beside it as
// <path>.corrupt-<timestamp> and the message says so; whatever was valid is still used.
AppSettingsLoad loadAppSettings(const QString& path);

// Atomic: the old file stays intact when writing fails. Private: missing folders are created 0700
// and the file 0600 (see config/private_file.h).
bool saveAppSettings(const AppSettings& settings, const QString& path, QString* error = nullptr);

} // namespace vigil
