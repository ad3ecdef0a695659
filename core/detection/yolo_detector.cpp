#include "detection/yolo_detector.h"

#include <chrono>
#include <opencv2/imgproc.hpp>

#include "detection/class_names.h"

namespace vigil {

namespace {
double msSince(std::chrono::steady_clock::time_point t0)
{
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}
} // namespace

std::vector<char> classFilterMask(const QStringList& classNames, int numClasses, const QStringList& filter)
{
    std::vector<char> mask;
    QStringList wanted;
    for (const QString& f : filter)
        if (!f.trimmed().isEmpty())
            wanted << f.trimmed();
    if (wanted.isEmpty())
        return mask;
    mask.assign(size_t(std::max(0, numClasses)), 0);
    for (int c = 0; c < numClasses; ++c)
        mask[c] = wanted.contains(classNameAt(classNames, c), Qt::CaseInsensitive);
    return mask;
}

YoloDetector::YoloDetector(cv::dnn::Net net, ModelSpec spec, QStringList classNames,
                           const DetectorSettings& settings)
    : m_net(std::move(net)), m_spec(std::move(spec)), m_classNames(std::move(classNames))
{
    setThresholds(settings.confThreshold, settings.nmsThreshold, settings.classFilter);
}

QString YoloDetector::modelName() const
{
    return QStringLiteral("%1 (%2, %3x%4)")
        .arg(m_spec.name, familyLabel(m_spec.family))
        .arg(m_spec.input.width)
        .arg(m_spec.input.height);
}

void YoloDetector::setThresholds(float conf, float nms, const QStringList& classFilter)
{
    m_conf = conf;
    m_nms = nms;
    m_allowed = classFilterMask(m_classNames, m_spec.numClasses, classFilter);
}

QVector<Detection> YoloDetector::detect(const cv::Mat& image)
{
    m_timings = {};
    if (image.empty())
        return {};
    auto t0 = std::chrono::steady_clock::now();
    const cv::Mat* bgr = &image;
    if (image.type() != CV_8UC3) {
        if (image.type() == CV_8UC1)
            cv::cvtColor(image, m_bgr, cv::COLOR_GRAY2BGR);
        else if (image.type() == CV_8UC4)
            cv::cvtColor(image, m_bgr, cv::COLOR_BGRA2BGR);
        else
            return {};
        bgr = &m_bgr;
    }
    const InputTransform t = makeInputTransform(m_spec.preprocess, bgr->size(), m_spec.input);
    makeBlob(*bgr, m_spec.preprocess, t, m_canvas, m_blob);
    m_timings.preMs = msSince(t0);

    t0 = std::chrono::steady_clock::now();
    m_net.setInput(m_blob);
    m_net.forward(m_outs, m_spec.outputNames);
    m_timings.forwardMs = msSince(t0);

    t0 = std::chrono::steady_clock::now();
    m_cands.clear();
    DecodeOptions opt;
    opt.confThreshold = m_conf;
    opt.input = m_spec.input;
    opt.allowed = &m_allowed;
    decodeOutputs(m_spec.family, m_outs, opt, m_cands);
    const std::vector<Candidate> kept = nmsPerClass(m_cands, m_conf, m_nms);

    QVector<Detection> dets;
    dets.reserve(int(kept.size()));
    for (const Candidate& c : kept) {
        Detection d;
        d.classId = c.classId;
        d.name = classNameAt(m_classNames, c.classId);
        d.score = c.score;
        d.box = t.boxToImage(c.box);
        if (d.box.width() >= 1.0 && d.box.height() >= 1.0)
            dets.append(d);
    }
    m_timings.postMs = msSince(t0);
    return dets;
}

} // namespace vigil
