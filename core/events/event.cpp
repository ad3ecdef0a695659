#include "events/event.h"

#include <QJsonArray>

namespace vigil {

namespace {

bool isIdChar(QChar c, bool allowDash)
{
    const ushort u = c.unicode();
    return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '_'
        || u == '.' || (allowDash && u == '-');
}

// Dashes separate the id's parts, so they are replaced inside a part.
QString idPart(const QString& s)
{
    QString out;
    out.reserve(s.size());
    for (QChar c : s)
        out.append(isIdChar(c, false) ? c : QChar(u'_'));
    if (out.isEmpty() || out.startsWith(u'.'))
        out.prepend(u'_');
    return out.left(60);
}

QJsonArray boxJson(const QRectF& r)
{
    return QJsonArray{r.x(), r.y(), r.width(), r.height()};
}

} // namespace

QString makeEventId(const QString& node, const QString& camera, qint64 epochMs, int n)
{
    return QStringLiteral("%1-%2-%3-%4").arg(idPart(node), idPart(camera)).arg(epochMs).arg(n);
}

bool isValidEventId(const QString& id)
{
    if (id.isEmpty() || id.size() > 200 || id.startsWith(u'.'))
        return false;
    for (QChar c : id)
        if (!isIdChar(c, true))
            return false;
    return true;
}

QList<EventTrackPoint> thinTrack(const QList<EventTrackPoint>& track, int max)
{
    const qsizetype n = track.size();
    if (n <= max || max < 2)
        return max < 2 ? track.mid(0, std::max(max, 0)) : track;
    QList<EventTrackPoint> out;
    out.reserve(max);
    for (int i = 0; i < max; ++i)
        out.append(track.at(qsizetype(double(i) * double(n - 1) / double(max - 1) + 0.5)));
    return out;
}

QJsonObject toJson(const Event& e, bool withTrack)
{
    QJsonObject o{
        {QStringLiteral("id"), e.id},
        {QStringLiteral("camera"), e.camera},
        {QStringLiteral("camera_name"), e.cameraName},
        {QStringLiteral("label"), e.label},
        {QStringLiteral("start_time"), e.startTime},
        {QStringLiteral("end_time"), e.endTime ? QJsonValue(*e.endTime) : QJsonValue(QJsonValue::Null)},
        {QStringLiteral("top_score"), e.topScore},
        {QStringLiteral("zones"), QJsonArray::fromStringList(e.zones)},
        {QStringLiteral("box"), boxJson(e.box)},
        {QStringLiteral("has_snapshot"), e.hasSnapshot},
        {QStringLiteral("has_clip"), e.hasClip},
    };
    if (withTrack) {
        QJsonArray track;
        for (const EventTrackPoint& p : e.track)
            track.append(QJsonObject{{QStringLiteral("t"), p.t},
                                     {QStringLiteral("box"), boxJson(p.box)},
                                     {QStringLiteral("score"), p.score}});
        o.insert(QStringLiteral("track"), track);
    }
    return o;
}

} // namespace vigil
