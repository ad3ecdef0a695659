#include "config/app_settings.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QStandardPaths>

#include "config/json_reader.h"
#include "config/private_file.h"

namespace vigil {

namespace {

constexpr int kFormatVersion = 1;

QByteArray base64(JsonReader& r, const char* key)
{
    QString text;
    r.read(key, text);
    return QByteArray::fromBase64(text.toLatin1());
}

// How a camera is named in errors: its position, and its id when it has a readable one.
QString cameraContext(int index, const QJsonObject& cam)
{
    const QJsonValue id = cam.value("id");
    if (id.isString() && !id.toString().isEmpty())
        return QStringLiteral("camera #%1 \"%2\": ").arg(index).arg(id.toString());
    return QStringLiteral("camera #%1: ").arg(index);
}

} // namespace

QString AppSettings::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation) + "/config.json";
}

QString AppSettings::defaultSnapshotDir()
{
    QString pictures = QStandardPaths::writableLocation(QStandardPaths::PicturesLocation);
    if (pictures.isEmpty())
        pictures = QDir::homePath();
    return pictures + "/Vigil";
}

QString AppSettings::effectiveSnapshotDir() const
{
    return snapshotDir.isEmpty() ? defaultSnapshotDir() : snapshotDir;
}

QJsonObject AppSettings::toJson() const
{
    QJsonArray cams;
    for (const CameraConfig& c : cameras)
        cams.append(c.toJson());
    QJsonObject o{
        {"version", kFormatVersion},
        {"cameras", cams},
        {"snapshot", QJsonObject{
             {"folder", snapshotDir},
             {"format", snapshotFormat},
             {"include_raw", snapshotIncludeRaw},
         }},
        {"rebroadcast", QJsonObject{
             {"enabled", rebroadcastEnabled},
             {"bind", rebroadcastBind},
             {"port", rebroadcastPort},
             {"token", rebroadcastToken},
         }},
        {"remote_nodes", remoteNodesToJson(remoteNodes)},
        {"limits", limits.toJson()},
        {"events", events.toJson()},
        {"mqtt", mqtt.toJson()},
        {"defaults", QJsonObject{
             {"skip_frames", defaultSkipFrames},
             {"fps", defaultMaxFps},
         }},
    };
    if (!windowGeometry.isEmpty() || !windowState.isEmpty())
        o["window"] = QJsonObject{
            {"geometry", QString::fromLatin1(windowGeometry.toBase64())},
            {"state", QString::fromLatin1(windowState.toBase64())},
        };
    return o;
}

AppSettings AppSettings::fromJson(const QJsonObject& obj, QStringList* errors)
{
    QStringList local;
    if (!errors)
        errors = &local;
    AppSettings s;
    JsonReader r(obj, errors);

    const QJsonValue cams = obj.value("cameras");
    if (cams.isArray()) {
        QSet<QString> ids;
        int index = 0;
        for (const QJsonValue& v : cams.toArray()) {
            ++index;
            if (!v.isObject()) {
                errors->append(QStringLiteral("camera #%1: not an object").arg(index));
                continue;
            }
            const QString context = cameraContext(index, v.toObject());
            // A bad value is reported and defaulted; only a camera without id or URL is left out.
            CameraConfig c = CameraConfig::fromJson(v.toObject(), errors, context);
            if (!c.isUsable()) {
                errors->append(context + QStringLiteral("left out"));
                continue;
            }
            if (ids.contains(c.id)) {
                errors->append(context + QStringLiteral("duplicate id, left out"));
                continue;
            }
            ids.insert(c.id);
            s.cameras.append(c);
        }
    } else if (r.has("cameras")) {
        r.fail("cameras", QStringLiteral("expected a list"));
    }

    JsonReader snap = r.object("snapshot");
    snap.read("folder", s.snapshotDir);
    QString fmt = s.snapshotFormat;
    if (snap.read("format", fmt)) {
        fmt = fmt.toLower();
        if (fmt == "jpg")
            fmt = "jpeg";
        if (fmt == "png" || fmt == "jpeg")
            s.snapshotFormat = fmt;
        else
            snap.fail("format", QStringLiteral("\"%1\" is not png or jpeg").arg(fmt));
    }
    snap.read("include_raw", s.snapshotIncludeRaw);

    JsonReader rb = r.object("rebroadcast");
    rb.read("enabled", s.rebroadcastEnabled);
    rb.read("bind", s.rebroadcastBind);
    rb.read("port", s.rebroadcastPort, 0, 65535);
    rb.read("token", s.rebroadcastToken);

    s.remoteNodes = readRemoteNodes(obj.value("remote_nodes"), errors);

    const QJsonValue lim = obj.value("limits");
    if (lim.isObject())
        s.limits = Limits::fromJson(lim.toObject(), errors);
    else if (r.has("limits"))
        r.fail("limits", QStringLiteral("expected an object"));

    JsonReader ev = r.object("events");
    s.events = EventsSettings::read(ev);

    JsonReader mq = r.object("mqtt");
    s.mqtt = MqttSettings::read(mq);

    JsonReader def = r.object("defaults");
    def.read("skip_frames", s.defaultSkipFrames, 1, 30);
    def.read("fps", s.defaultMaxFps, 1, 30);

    JsonReader win = r.object("window");
    s.windowGeometry = base64(win, "geometry");
    s.windowState = base64(win, "state");
    return s;
}

AppSettingsRead readAppSettings(const QString& path)
{
    AppSettingsRead out;
    QFile file(path);
    out.exists = file.exists();
    if (!out.exists)
        return out;
    if (!file.open(QIODevice::ReadOnly)) {
        out.readError = file.errorString();
        return out;
    }
    return parseAppSettings(file.readAll());
}

AppSettingsRead parseAppSettings(const QByteArray& bytes)
{
    AppSettingsRead out;
    out.exists = true;
    QJsonParseError perr;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &perr);
    if (perr.error != QJsonParseError::NoError)
        out.problems << QStringLiteral("not valid JSON (%1 at offset %2)").arg(perr.errorString()).arg(perr.offset);
    else if (!doc.isObject())
        out.problems << QStringLiteral("not a JSON object");
    else {
        out.parsed = true;
        out.settings = AppSettings::fromJson(doc.object(), &out.problems);
    }
    return out;
}

AppSettingsLoad loadAppSettings(const QString& path)
{
    AppSettingsLoad out;
    const AppSettingsRead read = readAppSettings(path);
    if (!read.exists) {
        out.firstLaunch = true;
        return out;
    }
    if (!read.readError.isEmpty()) {
        // Unreadable is not corrupt: keep the file untouched, run on defaults, say why.
        out.message = QStringLiteral("Could not read the configuration %1: %2. Running with "
                                     "defaults; the file was left untouched.")
                          .arg(QDir::toNativeSeparators(path), read.readError);
        return out;
    }
    out.settings = read.settings;
    const QStringList& problems = read.problems;
    if (problems.isEmpty())
        return out;

    // Keep the user's file beside the new one, byte for byte, before anything overwrites it.
    const QString stamp = QDateTime::currentDateTime().toString("yyyyMMdd-HHmmss");
    QString backup = path + ".corrupt-" + stamp;
    for (int i = 1; QFile::exists(backup); ++i)
        backup = path + ".corrupt-" + stamp + "-" + QString::number(i);
    QString backupNote;
    if (QFile::copy(path, backup)) {
        out.backupPath = backup;
        backupNote = QStringLiteral("The original file was kept as %1.").arg(QDir::toNativeSeparators(backup));
    } else {
        backupNote = QStringLiteral("A backup copy could not be written; the original file is "
                                    "unchanged until you change a setting.");
    }
    const bool parsed = read.parsed;
    out.message = QStringLiteral("The configuration file %1 has problems:\n  - %2\n\n%3\n%4")
                      .arg(QDir::toNativeSeparators(path), problems.join("\n  - "),
                           parsed ? QStringLiteral("The valid parts were loaded; the rest uses defaults.")
                                  : QStringLiteral("Default settings are used."),
                           backupNote);
    return out;
}

bool saveAppSettings(const AppSettings& settings, const QString& path, QString* error)
{
    // Holds camera passwords, the rebroadcast and remote node tokens and the MQTT password: owner only.
    return writePrivateFile(path, QJsonDocument(settings.toJson()).toJson(QJsonDocument::Indented), error);
}

} // namespace vigil
