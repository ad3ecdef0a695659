// resolveModelPath / modelHelpText: where the app looks for a detection model.
#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

#include "detection/detector.h"
#include "detection/model_manifest.h"

namespace vigil {

namespace {

QString userModelsDir()
{
    // ~/.local/share/<organization>/<application>/models on Linux; models/fetch.sh writes there.
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/models");
}

// Manifest models whose files are all present in `dir`, in manifest order.
QStringList manifestModelsIn(const QString& dir)
{
    QStringList found;
    const QDir d(dir);
    for (const ManifestModel& m : manifestModels()) {
        bool complete = d.exists(m.modelFile);
        for (const ManifestFile& f : m.files)
            complete = complete && d.exists(f.name);
        if (complete)
            found << QDir::cleanPath(d.filePath(m.modelFile));
    }
    return found;
}

// The share directory beside the running binary (<prefix>/bin/../share/vigil: the package or
// install tree, wherever it was put), then the one configured at build time.
QStringList shareModelDirs()
{
    QStringList dirs;
    if (QCoreApplication::instance()) {
        const QString beside = QDir::cleanPath(QCoreApplication::applicationDirPath() + QStringLiteral("/../share/vigil/models"));
        if (QFileInfo::exists(beside))
            dirs << beside;
    }
    const QString configured = QDir::cleanPath(QStringLiteral(VIGIL_SHARE_DIR "/models"));
    if (!dirs.contains(configured))
        dirs << configured;
    return dirs;
}

QStringList modelSearchDirs() { return QStringList{userModelsDir()} + shareModelDirs(); }

} // namespace

QString resolveModelPath(const QString& requested, QStringList* searched)
{
    if (searched)
        searched->clear();
    auto note = [searched](const QString& where) {
        if (searched)
            searched->append(where);
    };
    if (!requested.isEmpty()) {
        note(requested);
        return requested;
    }
    const QString fromEnv = qEnvironmentVariable("VIGIL_MODEL");
    if (!fromEnv.isEmpty()) {
        note(QStringLiteral("$VIGIL_MODEL=%1").arg(fromEnv));
        return fromEnv;
    }
    for (const QString& dir : modelSearchDirs()) {
        note(dir);
        const QStringList found = manifestModelsIn(dir);
        if (!found.isEmpty())
            return found.first();
    }
    return {};
}

QString darknetWeightsFor(const QString& modelPath)
{
    const QFileInfo model(modelPath);
    if (model.suffix().compare(QLatin1String("cfg"), Qt::CaseInsensitive) != 0)
        return {};
    return model.dir().filePath(model.completeBaseName() + QStringLiteral(".weights"));
}

QStringList installedModels()
{
    QStringList all;
    for (const QString& dir : modelSearchDirs())
        all << manifestModelsIn(dir);
    return all;
}

QString modelHelpText()
{
    return QStringLiteral("No detection model found. Run models/fetch.sh to download one into %1, "
                          "or pass --model FILE (.onnx, or a Darknet .cfg with its .weights) or set VIGIL_MODEL.")
        .arg(QDir::toNativeSeparators(userModelsDir()));
}

} // namespace vigil
