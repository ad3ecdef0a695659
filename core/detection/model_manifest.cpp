#include "detection/model_manifest.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include "common/log.h"

// Static library: the resource's registration object is only linked in when referenced.
static void initDetectionResources() { Q_INIT_RESOURCE(detection_models); }

namespace vigil {

namespace {

Preprocess parsePreprocess(const QJsonObject& o, YoloFamily family)
{
    Preprocess p = defaultPreprocess(family);
    if (o.isEmpty())
        return p;
    p.fit = o.value("fit").toString() == QLatin1String("resize") ? Preprocess::Fit::Resize
                                                                 : Preprocess::Fit::Letterbox;
    p.centred = o.value("position").toString() != QLatin1String("top-left");
    p.pad = o.value("pad").toInt(p.pad);
    p.rgb = o.value("rgb").toBool(p.rgb);
    p.scale = o.value("scale").toDouble(p.scale);
    return p;
}

QSize parseSize(const QJsonValue& v)
{
    const QJsonArray a = v.toArray();
    if (a.size() == 2)
        return QSize(a.at(0).toInt(), a.at(1).toInt());
    if (v.isDouble())
        return QSize(v.toInt(), v.toInt());
    return {};
}

} // namespace

QList<ManifestModel> parseManifest(const QByteArray& json, QString* error)
{
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &pe);
    if (!doc.isObject()) {
        if (error)
            *error = QStringLiteral("invalid manifest JSON: %1").arg(pe.errorString());
        return {};
    }
    QList<ManifestModel> models;
    for (const QJsonValue& v : doc.object().value("models").toArray()) {
        const QJsonObject o = v.toObject();
        ManifestModel m;
        m.name = o.value("name").toString();
        m.family = familyFromId(o.value("family").toString());
        m.modelFile = o.value("model").toString();
        for (const QJsonValue& fv : o.value("files").toArray()) {
            const QJsonObject f = fv.toObject();
            m.files.append({f.value("name").toString(), f.value("url").toString(),
                            f.value("sha256").toString(), f.value("sha256_shared").toString()});
        }
        if (m.modelFile.isEmpty() && !m.files.isEmpty())
            m.modelFile = m.files.first().name;
        m.inputSize = parseSize(o.value("input"));
        for (const QJsonValue& s : o.value("input_sizes").toArray())
            m.inputSizes << s.toInt();
        m.preprocess = parsePreprocess(o.value("preprocess").toObject(), m.family);
        m.classes = o.value("classes").toString();
        m.upstream = o.value("upstream").toString();
        m.licence = o.value("licence").toString();
        if (m.family == YoloFamily::Unknown || m.modelFile.isEmpty())
            continue;
        models.append(m);
    }
    return models;
}

const QList<ManifestModel>& manifestModels()
{
    static const QList<ManifestModel> models = [] {
        initDetectionResources();
        QFile f(QStringLiteral(":/vigil/models/manifest.json"));
        if (!f.open(QIODevice::ReadOnly)) {
            qCWarning(lcDetect) << "embedded model manifest missing";
            return QList<ManifestModel>();
        }
        QString error;
        QList<ManifestModel> parsed = parseManifest(f.readAll(), &error);
        if (!error.isEmpty())
            qCWarning(lcDetect) << "model manifest:" << error;
        return parsed;
    }();
    return models;
}

const ManifestModel* findManifestModel(const QString& modelPath)
{
    const QString fileName = QFileInfo(modelPath).fileName();
    for (const ManifestModel& m : manifestModels())
        if (m.modelFile == fileName)
            return &m;
    return nullptr;
}

} // namespace vigil
