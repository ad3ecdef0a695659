#include "config/event_config.h"

#include <QDir>
#include <QJsonArray>
#include <QStandardPaths>

#include "config/json_reader.h"
#include "config/polygons.h"

namespace vigil {

namespace {
QJsonObject filterJson(const LabelFilter& f)
{
    return QJsonObject{{"min_score", double(f.minScore)}, {"min_area", f.minArea}, {"max_area", f.maxArea},
                       {"min_median_score", double(f.minMedianScore)}};
}
} // namespace

void CameraEventConfig::writeTo(QJsonObject& o) const
{
    o.insert("events", enabled);
    o.insert("event_labels", QJsonArray::fromStringList(labels));
    QJsonObject filtersJson;
    for (auto it = filters.cbegin(); it != filters.cend(); ++it)
        filtersJson.insert(it.key(), filterJson(it.value()));
    o.insert("event_filters", filtersJson);
    QJsonArray zonesJson;
    for (const Zone& z : zones)
        zonesJson.append(QJsonObject{{"name", z.name}, {"polygon", polygonToJson(z.polygon)}, {"required", z.required}});
    o.insert("zones", zonesJson);
    o.insert("retention_days", retentionDays);
    o.insert("notify", notify);
}

CameraEventConfig CameraEventConfig::read(JsonReader& r)
{
    CameraEventConfig c;
    r.read("events", c.enabled);
    r.read("notify", c.notify);
    QStringList labels;
    if (r.read("event_labels", labels)) {
        c.labels.clear();
        for (const QString& l : std::as_const(labels))
            if (!l.trimmed().isEmpty() && !c.labels.contains(l.trimmed()))
                c.labels << l.trimmed();
    }
    if (r.has("event_filters")) {
        const QJsonValue v = r.value("event_filters");
        if (!v.isObject()) {
            r.fail("event_filters", QStringLiteral("is not an object of labels"));
        } else {
            const QJsonObject all = v.toObject();
            for (auto it = all.begin(); it != all.end(); ++it) {
                if (!it.value().isObject()) {
                    r.fail("event_filters", QStringLiteral("\"%1\" is not an object").arg(it.key().left(40)));
                    continue;
                }
                QStringList errors;
                JsonReader fr(it.value().toObject(), &errors);
                LabelFilter f;
                double minScore = f.minScore, minMedian = f.minMedianScore;
                fr.read("min_score", minScore, 0, 1);
                fr.read("min_area", f.minArea, 0, 1);
                fr.read("max_area", f.maxArea, 0, 1);
                fr.read("min_median_score", minMedian, 0, 1);
                f.minScore = float(minScore);
                f.minMedianScore = float(minMedian);
                for (const QString& e : std::as_const(errors))
                    r.fail("event_filters", QStringLiteral("\"%1\": %2").arg(it.key().left(40), e));
                c.filters.insert(it.key(), f);
            }
        }
    }
    if (r.has("zones")) {
        const QJsonValue v = r.value("zones");
        const QJsonArray list = v.toArray();
        if (!v.isArray())
            r.fail("zones", QStringLiteral("is not a list of zones"));
        for (qsizetype i = 0; i < list.size(); ++i) {
            const QJsonObject z = list.at(i).toObject();
            Zone zone;
            zone.name = z.value("name").toString().trimmed();
            zone.required = z.value("required").toBool(false);
            QString why;
            if (!list.at(i).isObject() || zone.name.isEmpty())
                r.fail("zones", QStringLiteral("zone %1 has no name").arg(i + 1));
            else if (!polygonFromJson(z.value("polygon"), &zone.polygon, &why))
                r.fail("zones", QStringLiteral("zone \"%1\": polygon %2").arg(zone.name.left(40), why));
            else
                c.zones << zone;
        }
    }
    r.read("retention_days", c.retentionDays, 1, 36500);
    return c;
}

TrackerSettings CameraEventConfig::trackerSettings() const
{
    TrackerSettings t;
    t.labels = labels;
    t.filters = filters;
    t.zones = zones;
    return t;
}

QJsonObject EventsSettings::toJson() const
{
    return QJsonObject{{"enabled", enabled},         {"clips", clips},          {"pre_roll_s", preRollS},
                       {"post_roll_s", postRollS},   {"max_clip_s", maxClipS},  {"max_total_gb", maxTotalGb},
                       {"folder", folder}};
}

EventsSettings EventsSettings::read(JsonReader& r)
{
    EventsSettings s;
    r.read("enabled", s.enabled);
    r.read("clips", s.clips);
    r.read("pre_roll_s", s.preRollS, 0, 60);
    r.read("post_roll_s", s.postRollS, 0, 60);
    r.read("max_clip_s", s.maxClipS, 1, 3600);
    r.read("max_total_gb", s.maxTotalGb, 0.01, 100000);
    r.read("folder", s.folder);
    return s;
}

QString EventsSettings::effectiveFolder() const { return folder.isEmpty() ? defaultFolder() : folder; }

QString EventsSettings::defaultFolder()
{
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)).filePath("events");
}

} // namespace vigil
