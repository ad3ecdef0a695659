// createDetector: loads an ONNX or Darknet model through cv::dnn and validates its output layout.
#include <QDir>
#include <QFileInfo>
#include <exception>
#include <opencv2/dnn.hpp>

#include "common/log.h"
#include "detection/class_names.h"
#include "detection/darknet_weights.h"
#include "detection/detector.h"
#include "detection/model_input_size.h"
#include "detection/model_manifest.h"
#include "detection/yolo_detector.h"

namespace vigil {

namespace {

struct LoadError {
    QString reason;
};

cv::Size toCv(QSize s) { return {s.width(), s.height()}; }

QString shapeOf(const cv::Mat& m)
{
    QStringList dims;
    for (int i = 0; i < m.dims; ++i)
        dims << QString::number(m.size[i]);
    return QLatin1Char('[') + dims.join(QStringLiteral(", ")) + QLatin1Char(']');
}

cv::dnn::Net readNet(const QFileInfo& model, const QString& weights)
{
    const std::string path = QFile::encodeName(model.filePath()).toStdString();
    if (weights.isEmpty())
        return cv::dnn::readNetFromONNX(path);
    return cv::dnn::readNetFromDarknet(path, QFile::encodeName(weights).toStdString());
}

cv::Size modelInputSize(const QFileInfo& model, bool darknet, const ManifestModel* entry, QSize requested)
{
    if (requested.isValid() && !requested.isEmpty())
        return toCv(requested);
    const QSize own = darknet ? darknetInputSize(model.filePath()) : onnxInputSizeOfFile(model.filePath());
    if (own.isValid() && !own.isEmpty())
        return toCv(own);
    if (entry && entry->inputSize.isValid())
        return toCv(entry->inputSize);
    return darknet ? cv::Size(416, 416) : cv::Size(640, 640);   // the families' usual defaults
}

// Index of the output to decode for a single-output ONNX family: the biggest rank-2/3 tensor.
int pickOnnxOutput(const std::vector<cv::Mat>& outs)
{
    int best = -1;
    for (int i = 0; i < int(outs.size()); ++i) {
        const bool matrix = outs[i].dims == 2 || (outs[i].dims == 3 && outs[i].size[0] == 1);
        if (matrix && (best < 0 || outs[i].total() > outs[best].total()))
            best = i;
    }
    return best;
}

std::unique_ptr<Detector> load(const DetectorSettings& s)
{
    const QFileInfo model(s.modelPath);
    if (s.modelPath.isEmpty())
        throw LoadError{QStringLiteral("no model file given")};
    if (!model.exists())
        throw LoadError{QStringLiteral("file not found")};
    if (!model.isFile() || !model.isReadable())
        throw LoadError{QStringLiteral("not a readable file")};
    if (model.size() == 0)
        throw LoadError{QStringLiteral("the file is empty")};

    const QString ext = model.suffix().toLower();
    const QString weights = darknetWeightsFor(s.modelPath);
    if (ext == QLatin1String("cfg")) {
        if (!QFileInfo::exists(weights))
            throw LoadError{QStringLiteral("Darknet weights %1 not found beside it").arg(weights)};
    } else if (ext != QLatin1String("onnx")) {
        throw LoadError{QStringLiteral("unsupported model type '.%1' (expected .onnx, or a Darknet .cfg "
                                       "with its .weights)").arg(ext)};
    }
    const bool darknet = !weights.isEmpty();

    QStringList names = cocoClassNames();
    if (!s.classNamesPath.isEmpty()) {
        QString err;
        names = loadClassNames(s.classNamesPath, &err);
        if (names.isEmpty())
            throw LoadError{err};
    }

    const ManifestModel* entry = findManifestModel(model.filePath());
    YoloFamily hint = entry ? entry->family : YoloFamily::Unknown;
    if (darknet)
        hint = YoloFamily::Darknet;

    ModelSpec spec;
    spec.path = model.filePath();
    spec.name = entry ? entry->name : model.completeBaseName();
    spec.input = modelInputSize(model, darknet, entry, s.inputSize);
    spec.preprocess = entry ? entry->preprocess : defaultPreprocess(hint);

    cv::dnn::Net net = readNet(model, weights);
    if (net.empty())
        throw LoadError{QStringLiteral("cv::dnn could not build a network from it")};
    if (darknet) {
        const QString bad = checkDarknetWeights(net, weights);
        if (!bad.isEmpty())
            throw LoadError{bad};
    }
    net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);

    // Warm-up forward on a padding-grey frame: allocates the layers and shows the output layout.
    std::vector<std::string> outNames = net.getUnconnectedOutLayersNames();
    if (outNames.empty())
        throw LoadError{QStringLiteral("the network has no outputs")};
    cv::Mat grey(spec.input, CV_8UC3, cv::Scalar::all(114)), canvas, blob;
    makeBlob(grey, spec.preprocess, makeInputTransform(spec.preprocess, grey.size(), spec.input), canvas, blob);
    net.setInput(blob);
    std::vector<cv::Mat> outs;
    net.forward(outs, outNames);

    OutputLayout layout;
    if (darknet) {
        layout = detectDarknetLayout(outs);
        spec.outputNames = outNames;
    } else {
        const int i = pickOnnxOutput(outs);
        if (i < 0) {
            QStringList shapes;
            for (const cv::Mat& o : outs)
                shapes << shapeOf(o);
            throw LoadError{QStringLiteral("unsupported output layout %1").arg(shapes.join(QLatin1Char(' ')))};
        }
        layout = detectOnnxLayout(outs[i], spec.input, hint);
        spec.outputNames = {outNames[i]};
    }
    if (layout.family == YoloFamily::Unknown)
        throw LoadError{layout.reason};
    if (hint != YoloFamily::Unknown && layout.family != hint)
        throw LoadError{QStringLiteral("output layout does not match the manifest's %1").arg(familyLabel(hint))};
    spec.family = layout.family;
    spec.numClasses = layout.numClasses;
    if (!entry)
        spec.preprocess = defaultPreprocess(spec.family);
    if (names.size() != spec.numClasses)
        qCWarning(lcDetect) << spec.path << "has" << spec.numClasses << "classes but" << names.size()
                            << "class names";
    qCInfo(lcDetect) << "loaded" << spec.path << familyLabel(spec.family) << spec.input.width << "x"
                     << spec.input.height << spec.numClasses << "classes";
    return std::make_unique<YoloDetector>(std::move(net), std::move(spec), std::move(names), s);
}

} // namespace

std::unique_ptr<Detector> createDetector(const DetectorSettings& settings, QString* error)
{
    QString reason;
    try {
        return load(settings);
    } catch (const LoadError& e) {
        reason = e.reason;
    } catch (const cv::Exception& e) {
        reason = QStringLiteral("OpenCV cannot load it: %1").arg(QString::fromStdString(e.err).trimmed());
    } catch (const std::exception& e) {
        reason = QString::fromLocal8Bit(e.what());
    } catch (...) {
        reason = QStringLiteral("unknown error");
    }
    const QString msg = QStringLiteral("Cannot load model %1: %2").arg(settings.modelPath, reason);
    qCWarning(lcDetect).noquote() << msg;
    if (error)
        *error = msg;
    return nullptr;
}

} // namespace vigil
