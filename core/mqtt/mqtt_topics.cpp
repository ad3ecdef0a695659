#include "mqtt/mqtt_topics.h"

#include <QRegularExpression>
#include <cmath>

namespace vigil {

QString topicLabel(const QString& label)
{
    static const QRegularExpression bad(QStringLiteral("[^A-Za-z0-9_-]"));
    QString out = label.trimmed();
    out.replace(bad, QStringLiteral("_"));
    return out.isEmpty() ? QStringLiteral("_") : out;
}

QString idFromPrefix(const QString& prefix) { return topicLabel(prefix); }

QString commandName(MqttCommand::Kind kind)
{
    switch (kind) {
    case MqttCommand::Kind::Detect: return QStringLiteral("detect");
    case MqttCommand::Kind::Fps: return QStringLiteral("fps");
    case MqttCommand::Kind::SkipFrames: return QStringLiteral("skip_frames");
    case MqttCommand::Kind::Snapshot: return QStringLiteral("snapshot");
    }
    return {};
}

std::optional<MqttCommand> parseMqttCommand(const QString& prefix, const QString& topic, const QByteArray& payload,
                                            QString* error)
{
    auto fail = [&](const QString& why) -> std::optional<MqttCommand> {
        if (error)
            *error = why;
        return std::nullopt;
    };
    if (!topic.startsWith(prefix + '/') || !topic.endsWith(QLatin1String("/set")))
        return fail(QStringLiteral("not a command topic"));
    const QStringList parts = topic.mid(prefix.size() + 1).split('/');
    if (parts.size() != 3 || parts[0].isEmpty())
        return fail(QStringLiteral("not a command topic"));
    MqttCommand c;
    c.camera = parts[0];
    const QString name = parts[1];
    const QString text = QString::fromUtf8(payload).trimmed();
    if (payload.size() > 64 && name != "snapshot")
        return fail(QStringLiteral("%1: payload too long").arg(name));
    if (name == "detect") {
        c.kind = MqttCommand::Kind::Detect;
        const QString v = text.toLower();
        if (v == "on" || v == "true" || v == "1")
            c.on = true;
        else if (v == "off" || v == "false" || v == "0")
            c.on = false;
        else
            return fail(QStringLiteral("detect: \"%1\" is not ON or OFF").arg(text.left(40)));
    } else if (name == "fps") {
        c.kind = MqttCommand::Kind::Fps;
        bool ok = false;
        c.fps = text.toDouble(&ok);
        if (!ok || !std::isfinite(c.fps) || c.fps < 0 || c.fps > 1000)
            return fail(QStringLiteral("fps: \"%1\" is not a number from 0 to 1000").arg(text.left(40)));
    } else if (name == "skip_frames") {
        c.kind = MqttCommand::Kind::SkipFrames;
        bool ok = false;
        c.skipFrames = text.toInt(&ok);
        if (!ok || c.skipFrames < 1 || c.skipFrames > 1000)
            return fail(QStringLiteral("skip_frames: \"%1\" is not a whole number from 1 to 1000").arg(text.left(40)));
    } else if (name == "snapshot") {
        c.kind = MqttCommand::Kind::Snapshot;
    } else {
        return fail(QStringLiteral("unknown command \"%1\"").arg(name.left(40)));
    }
    return c;
}

} // namespace vigil
