#pragma once
// The model manifest (models/manifest.json), embedded in the binary as a Qt resource.
#include <QByteArray>
#include <QList>
#include <QSize>
#include <QString>

#include "detection/preprocess.h"
#include "detection/yolo_family.h"

namespace vigil {

struct ManifestFile {
    QString name;          // local file name
    QString url;           // upstream download
    QString sha256;        // of the upstream file; empty when not recorded
    QString sha256Shared;  // of the test-share copy; empty when none
};

struct ManifestModel {
    QString name;
    YoloFamily family = YoloFamily::Unknown;
    QString modelFile;     // the file to open: .onnx, or the Darknet .cfg
    QList<ManifestFile> files;
    QSize inputSize;
    QList<int> inputSizes; // square sizes the model is known to run at
    Preprocess preprocess;
    QString classes;       // "coco"
    QString upstream;
    QString licence;
};

// Parses manifest JSON. Entries with an unknown family or no model file are skipped.
QList<ManifestModel> parseManifest(const QByteArray& json, QString* error = nullptr);

// The embedded manifest (":/vigil/models/manifest.json"), parsed once.
const QList<ManifestModel>& manifestModels();

// The entry whose model file has this file name (path or bare name), or nullptr.
const ManifestModel* findManifestModel(const QString& modelPath);

} // namespace vigil
