#include "config/app_settings.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>
#include <QSet>
#include <QStandardPaths>

namespace vigil {

namespace {

constexpr int kFormatVersion = 1;

QString str(const QJsonObject& o, const char* key, const QString& fallback, QStringList* errors)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined() || v.isNull())
        return fallback;
    if (!v.isString()) {
        errors->append(QStringLiteral("\"%1\": expected a string").arg(key));
        return fallback;
    }
    return v.toString();
}

bool boolean(const QJsonObject& o, const char* key, bool fallback, QStringList* errors)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined() || v.isNull())
        return fallback;
    if (!v.isBool()) {
        errors->append(QStringLiteral("\"%1\": expected true or false").arg(key));
        return fallback;
    }
    return v.toBool();
}

double number(const QJsonObject& o, const char* key, double fallback, double lo, double hi,
              QStringList* errors)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined() || v.isNull())
        return fallback;
    if (!v.isDouble()) {
        errors->append(QStringLiteral("\"%1\": expected a number").arg(key));
        return fallback;
    }
    const double d = v.toDouble();
    if (d < lo || d > hi) {
        errors->append(QStringLiteral("\"%1\": %2 is out of range (%3..%4)").arg(key).arg(d).arg(lo).arg(hi));
        return fallback;
    }
    return d;
}

QByteArray base64(const QJsonObject& o, const char* key, QStringList* errors)
{
    const QString s = str(o, key, {}, errors);
    return QByteArray::fromBase64(s.toLatin1());
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
        {"limits", limits.toJson()},
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
            QString error;
            CameraConfig c = CameraConfig::fromJson(v.toObject(), &error);
            if (error.isEmpty() && ids.contains(c.id))
                error = QStringLiteral("duplicate id \"%1\"").arg(c.id);
            if (!error.isEmpty()) {
                errors->append(QStringLiteral("camera #%1: %2").arg(index).arg(error));
                continue;
            }
            ids.insert(c.id);
            s.cameras.append(c);
        }
    } else if (!cams.isUndefined() && !cams.isNull()) {
        errors->append(QStringLiteral("\"cameras\": expected a list"));
    }

    const QJsonObject snap = obj.value("snapshot").toObject();
    s.snapshotDir = str(snap, "folder", s.snapshotDir, errors);
    const QString fmt = str(snap, "format", s.snapshotFormat, errors).toLower();
    if (fmt == "png" || fmt == "jpeg")
        s.snapshotFormat = fmt;
    else if (fmt == "jpg")
        s.snapshotFormat = "jpeg";
    else
        errors->append(QStringLiteral("\"snapshot.format\": \"%1\" is not png or jpeg").arg(fmt));
    s.snapshotIncludeRaw = boolean(snap, "include_raw", s.snapshotIncludeRaw, errors);

    const QJsonObject rb = obj.value("rebroadcast").toObject();
    s.rebroadcastEnabled = boolean(rb, "enabled", s.rebroadcastEnabled, errors);
    s.rebroadcastBind = str(rb, "bind", s.rebroadcastBind, errors);
    s.rebroadcastPort = int(number(rb, "port", s.rebroadcastPort, 0, 65535, errors));
    s.rebroadcastToken = str(rb, "token", s.rebroadcastToken, errors);

    const QJsonValue lim = obj.value("limits");
    if (lim.isObject())
        s.limits = Limits::fromJson(lim.toObject(), errors);
    else if (!lim.isUndefined() && !lim.isNull())
        errors->append(QStringLiteral("\"limits\": expected an object"));

    const QJsonObject def = obj.value("defaults").toObject();
    s.defaultSkipFrames = int(number(def, "skip_frames", s.defaultSkipFrames, 1, 30, errors));
    s.defaultMaxFps = number(def, "fps", s.defaultMaxFps, 1, 30, errors);

    const QJsonObject win = obj.value("window").toObject();
    s.windowGeometry = base64(win, "geometry", errors);
    s.windowState = base64(win, "state", errors);
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
    const QByteArray bytes = file.readAll();
    file.close();

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
    const QString dir = QFileInfo(path).absolutePath();
    if (!QDir().mkpath(dir)) {
        if (error)
            *error = QStringLiteral("Could not create the folder %1").arg(QDir::toNativeSeparators(dir));
        return false;
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        if (error)
            *error = QStringLiteral("Could not write %1: %2").arg(QDir::toNativeSeparators(path), file.errorString());
        return false;
    }
    const QByteArray bytes = QJsonDocument(settings.toJson()).toJson(QJsonDocument::Indented);
    if (file.write(bytes) != bytes.size() || !file.commit()) {
        if (error)
            *error = QStringLiteral("Could not save %1: %2").arg(QDir::toNativeSeparators(path), file.errorString());
        file.cancelWriting();
        return false;
    }
    return true;
}

} // namespace vigil
