#include "detection/class_names.h"

#include <QFile>
#include <QTextStream>

namespace vigil {

namespace {
constexpr const char* kCoco[80] = {
    "person",        "bicycle",      "car",           "motorcycle",    "airplane",     "bus",
    "train",         "truck",        "boat",          "traffic light", "fire hydrant", "stop sign",
    "parking meter", "bench",        "bird",          "cat",           "dog",          "horse",
    "sheep",         "cow",          "elephant",      "bear",          "zebra",        "giraffe",
    "backpack",      "umbrella",     "handbag",       "tie",           "suitcase",     "frisbee",
    "skis",          "snowboard",    "sports ball",   "kite",          "baseball bat", "baseball glove",
    "skateboard",    "surfboard",    "tennis racket", "bottle",        "wine glass",   "cup",
    "fork",          "knife",        "spoon",         "bowl",          "banana",       "apple",
    "sandwich",      "orange",       "broccoli",      "carrot",        "hot dog",      "pizza",
    "donut",         "cake",         "chair",         "couch",         "potted plant", "bed",
    "dining table",  "toilet",       "tv",            "laptop",        "mouse",        "remote",
    "keyboard",      "cell phone",   "microwave",     "oven",          "toaster",      "sink",
    "refrigerator",  "book",         "clock",         "vase",          "scissors",     "teddy bear",
    "hair drier",    "toothbrush",
};
} // namespace

const QStringList& cocoClassNames()
{
    static const QStringList names = [] {
        QStringList l;
        l.reserve(80);
        for (const char* n : kCoco)
            l << QString::fromLatin1(n);
        return l;
    }();
    return names;
}

QStringList loadClassNames(const QString& path, QString* error)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly | QIODevice::Text)) {
        if (error)
            *error = QStringLiteral("Cannot read class names file %1: %2").arg(path, f.errorString());
        return {};
    }
    QStringList names;
    QTextStream in(&f);
    while (!in.atEnd()) {
        const QString line = in.readLine().trimmed();
        if (!line.isEmpty())
            names << line;
    }
    if (names.isEmpty() && error)
        *error = QStringLiteral("Class names file %1 has no names").arg(path);
    return names;
}

QString classNameAt(const QStringList& names, int classId)
{
    if (classId >= 0 && classId < names.size())
        return names.at(classId);
    return QStringLiteral("class %1").arg(classId);
}

} // namespace vigil
