#include "detection/yolo_family.h"

#include <QStringList>

namespace vigil {

QString familyId(YoloFamily f)
{
    switch (f) {
    case YoloFamily::Yolox: return QStringLiteral("yolox");
    case YoloFamily::Yolov5: return QStringLiteral("yolov5");
    case YoloFamily::Yolov8: return QStringLiteral("yolov8");
    case YoloFamily::Darknet: return QStringLiteral("darknet");
    case YoloFamily::Unknown: break;
    }
    return QStringLiteral("unknown");
}

QString familyLabel(YoloFamily f)
{
    switch (f) {
    case YoloFamily::Yolox: return QStringLiteral("YOLOX");
    case YoloFamily::Yolov5: return QStringLiteral("YOLOv5");
    case YoloFamily::Yolov8: return QStringLiteral("YOLOv8");
    case YoloFamily::Darknet: return QStringLiteral("Darknet");
    case YoloFamily::Unknown: break;
    }
    return QStringLiteral("unknown");
}

YoloFamily familyFromId(const QString& id)
{
    for (YoloFamily f : {YoloFamily::Yolox, YoloFamily::Yolov5, YoloFamily::Yolov8, YoloFamily::Darknet})
        if (id.compare(familyId(f), Qt::CaseInsensitive) == 0)
            return f;
    return YoloFamily::Unknown;
}

static int cellsForStrides(cv::Size input, std::initializer_list<int> strides)
{
    int n = 0;
    for (int s : strides)
        n += (input.width / s) * (input.height / s);
    return n;
}

int gridCellCount(cv::Size input) { return cellsForStrides(input, {8, 16, 32}); }

bool outputMatrixShape(const cv::Mat& out, int* rows, int* cols)
{
    if (out.dims == 3 && out.size[0] == 1) {
        *rows = out.size[1];
        *cols = out.size[2];
        return true;
    }
    if (out.dims == 2) {
        *rows = out.size[0];
        *cols = out.size[1];
        return true;
    }
    return false;
}

static QString shapeText(const cv::Mat& m)
{
    QStringList dims;
    for (int i = 0; i < m.dims; ++i)
        dims << QString::number(m.size[i]);
    return QLatin1Char('[') + dims.join(QStringLiteral(", ")) + QLatin1Char(']');
}

// Raw YOLOX w,h are log-space (|v| of a few units, often negative); YOLOv5's are pixel sizes >= 0.
static YoloFamily familyFromValues(const cv::Mat& out, int rows, int cols)
{
    const float* p = out.ptr<float>();
    bool negative = false;
    bool large = false;
    for (int i = 0; i < rows; ++i, p += cols) {
        negative |= p[2] < 0.f || p[3] < 0.f;
        large |= p[2] > 16.f || p[3] > 16.f;
    }
    if (negative && !large)
        return YoloFamily::Yolox;
    if (!negative)
        return YoloFamily::Yolov5;
    return YoloFamily::Unknown;
}

OutputLayout detectOnnxLayout(const cv::Mat& out, cv::Size input, YoloFamily hint)
{
    OutputLayout r;
    int a = 0, b = 0;
    if (out.type() != CV_32F || !outputMatrixShape(out, &a, &b)) {
        r.reason = QStringLiteral("unsupported output layout %1 (expected [1, N, 5+C] or [1, 4+C, N] floats)")
                       .arg(shapeText(out));
        return r;
    }
    const bool rowsLayout = a > b && b >= 6;       // [1, N, 5+C]
    const bool colsLayout = a < b && a >= 5;       // [1, 4+C, N]
    if (hint == YoloFamily::Yolov8 && colsLayout) {
        r.family = hint;
    } else if ((hint == YoloFamily::Yolox || hint == YoloFamily::Yolov5) && rowsLayout) {
        r.family = hint;
    } else if (colsLayout) {
        r.family = YoloFamily::Yolov8;
    } else if (rowsLayout) {
        const int cells = gridCellCount(input);
        if (a == cells)
            r.family = YoloFamily::Yolox;
        else if (a == 3 * cells || a == 3 * cellsForStrides(input, {8, 16, 32, 64}))
            r.family = YoloFamily::Yolov5;
        else
            r.family = familyFromValues(out, a, b);
    }
    if (r.family == YoloFamily::Unknown) {
        r.reason = QStringLiteral("unsupported output layout %1 at input %2x%3")
                       .arg(shapeText(out)).arg(input.width).arg(input.height);
        return r;
    }
    r.numClasses = r.family == YoloFamily::Yolov8 ? a - 4 : b - 5;
    return r;
}

OutputLayout detectDarknetLayout(const std::vector<cv::Mat>& outs)
{
    OutputLayout r;
    int classes = -1;
    for (const cv::Mat& o : outs) {
        int n = 0, k = 0;
        if (o.type() != CV_32F || o.dims != 2 || !outputMatrixShape(o, &n, &k) || k < 6
            || (classes >= 0 && classes != k - 5)) {
            r.reason = QStringLiteral("unsupported Darknet output layout %1 (expected [N, 5+C] per YOLO layer)")
                           .arg(shapeText(o));
            return r;
        }
        classes = k - 5;
    }
    if (classes < 0) {
        r.reason = QStringLiteral("the network has no outputs");
        return r;
    }
    r.family = YoloFamily::Darknet;
    r.numClasses = classes;
    return r;
}

} // namespace vigil
