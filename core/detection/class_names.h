#pragma once
// Class names: the COCO-80 defaults compiled in, or a names file (one per line).
#include <QString>
#include <QStringList>

namespace vigil {

// The 80 COCO class names in the order the COCO-trained YOLO models use.
const QStringList& cocoClassNames();

// Reads one name per line (trimmed; blank lines skipped). Empty list and *error set on failure.
QStringList loadClassNames(const QString& path, QString* error);

// Name for a class id; "class N" when the list is shorter than the model's class count.
QString classNameAt(const QStringList& names, int classId);

} // namespace vigil
