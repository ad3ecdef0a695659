#include "motion/motion_detector.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <opencv2/imgproc.hpp>
#include <utility>

#include "processing/jpeg_codec.h"

namespace vigil {

namespace {

// The contrast stretch scales the spread between these percentiles of the unmasked pixels to 255
// grey levels (in float: nothing is clipped), so the threshold means the same by day and by night...
constexpr double kLowPercentile = 2;
constexpr double kHighPercentile = 98;
// ... but never amplifies more than this: a dark, low-contrast night scene keeps its noise small.
constexpr double kMaxGain = 2.5;
// How fast the stretch follows the scene (per frame). The median follows a slow brightness ramp so
// closely that the background needs not; a sudden light change still shows as a global change and
// recalibrates, which also snaps the stretch.
constexpr double kContrastAlpha = 0.1;
// The background follows the scene at this rate (per analysed frame): slow light changes (clouds,
// auto-exposure) are absorbed, a parked car becomes background after a few dozen frames.
constexpr double kBackgroundAlpha = 0.08;
// Where something moves, the background does not learn: a passing figure is seen whole and leaves
// no ghost. A pixel that keeps moving this many frames in a row is learnt again, so a car that
// parks becomes background after a while.
constexpr int kAbsorbAfterFrames = 30;
// After a (re)start the background learns quickly for a few frames, and nothing is reported.
constexpr int kWarmupFrames = 3;
constexpr double kWarmupAlpha = 0.3;
// The analysis image's short side: small enough to be cheap, large enough that a person far away
// is still a few pixels.
constexpr int kAnalysisMinSide = 100;

double elapsedMs(std::chrono::steady_clock::time_point since)
{
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - since).count();
}

} // namespace

QSize MotionDetector::analysisSize(QSize source)
{
    if (source.isEmpty())
        return source;
    const QSize needed(std::min(kAnalysisMinSide, source.width()), std::min(kAnalysisMinSide, source.height()));
    return JpegDecoder::scaledSizeFor(source, needed);
}

void MotionDetector::reset()
{
    m_background.release();
    m_lastMoving.release();
    m_warmupFrames = 0;
}

void MotionDetector::updateMask(cv::Size size, const QList<RelativePolygon>& masks)
{
    if (size == m_maskSize && masks == m_maskPolygons)
        return;
    m_maskSize = size;
    m_maskPolygons = masks;
    if (masks.isEmpty()) {
        m_mask.release();  // no mask: every pixel counts, and no masking work per frame
        m_unmaskedPixels = size.area();
        return;
    }
    m_mask.create(size, CV_8UC1);
    m_mask.setTo(255);
    // Sub-pixel vertices (fillPoly's `shift`); relative 0..1 spans the pixels' outer edges, while
    // fillPoly's integer coordinates are pixel centres, hence the half-pixel offset.
    constexpr int kShift = 4;
    constexpr double kOne = 1 << kShift;
    std::vector<std::vector<cv::Point>> polygons;
    polygons.reserve(size_t(masks.size()));
    for (const RelativePolygon& polygon : masks) {
        std::vector<cv::Point>& points = polygons.emplace_back();
        points.reserve(size_t(polygon.size()));
        for (const QPointF& p : polygon)
            points.emplace_back(int(std::lround((p.x() * size.width - 0.5) * kOne)),
                                int(std::lround((p.y() * size.height - 0.5) * kOne)));
    }
    cv::fillPoly(m_mask, polygons, cv::Scalar(0), cv::LINE_8, kShift);
    m_unmaskedPixels = cv::countNonZero(m_mask);
}

void MotionDetector::measureContrast(const cv::Mat& gray, Contrast* out) const
{
    // Pixels that moved in the previous frame are left out: a dark figure walking in would
    // otherwise pull the low percentile down and re-map (and so "move") the whole picture.
    const bool skipMoving = !m_lastMoving.empty() && m_lastMoving.size() == gray.size();
    int histogram[256] = {};
    int counted = 0;
    for (int y = 0; y < gray.rows; ++y) {
        const uchar* row = gray.ptr<uchar>(y);
        const uchar* keep = m_mask.empty() ? nullptr : m_mask.ptr<uchar>(y);
        const uchar* moving = skipMoving ? m_lastMoving.ptr<uchar>(y) : nullptr;
        if (!keep && !moving) {
            for (int x = 0; x < gray.cols; ++x)
                ++histogram[row[x]];
            counted += gray.cols;
            continue;
        }
        for (int x = 0; x < gray.cols; ++x)
            if ((!keep || keep[x]) && (!moving || !moving[x])) {
                ++histogram[row[x]];
                ++counted;
            }
    }
    // Too little left to judge the scene by: keep the current stretch.
    *out = m_contrast;
    if (counted == 0 || counted < int(gray.total() / 20))
        return;
    const double ranks[3] = {counted * kLowPercentile / 100, counted * 0.5, counted * kHighPercentile / 100};
    double* values[3] = {&out->lo, &out->median, &out->hi};
    int cumulative = 0, next = 0;
    for (int v = 0; v < 256 && next < 3; ++v) {
        cumulative += histogram[v];
        while (next < 3 && cumulative > ranks[next])
            *values[next++] = v;
    }
}

void MotionDetector::normalise(const cv::Mat& gray)
{
    // Blur first, on 8 bits (cheap): it takes out JPEG block noise and sensor noise. The stretch is
    // affine and never clips (float output), so the order does not matter, and a dark figure in
    // front of the scene's darkest parts keeps its contrast.
    cv::GaussianBlur(gray, m_blurred, cv::Size(5, 5), 0, 0, cv::BORDER_REPLICATE);
    m_lut.create(1, 256, CV_32FC1);
    float* lut = m_lut.ptr<float>();
    for (int v = 0; v < 256; ++v)
        lut[v] = float((v - m_contrast.median) * m_gain);
    cv::LUT(m_blurred, m_lut, m_normalised);
}

double MotionDetector::Contrast::gain() const
{
    return std::min(255.0 / std::max(hi - lo, 1.0), kMaxGain);
}

void MotionDetector::restart(const cv::Mat& gray, const Contrast& contrast, int warmupFrames)
{
    m_contrast = contrast;
    m_gain = contrast.gain();
    normalise(gray);
    m_normalised.copyTo(m_background);
    m_movingFrames.create(gray.size(), CV_8UC1);
    m_movingFrames.setTo(0);
    m_lastMoving.release();
    m_warmupFrames = warmupFrames;
}

void MotionDetector::findBoxes(cv::Size analysed, QSize sourceSize, double minAreaPct, MotionResult* result)
{
    cv::findContours(m_dilated, m_contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE);
    const QSize source = sourceSize.isEmpty() ? QSize(analysed.width, analysed.height) : sourceSize;
    const double sx = double(source.width()) / analysed.width, sy = double(source.height()) / analysed.height;
    const QRect frame(QPoint(0, 0), source);
    // A region's size is its bounding box's area (analysis pixels): the same box the caller sees.
    const double minArea = minAreaPct / 100.0 * analysed.area();
    for (const std::vector<cv::Point>& contour : m_contours) {
        const cv::Rect r = cv::boundingRect(contour);
        // Outward rounding: the box covers every source pixel of the analysis pixels that moved.
        const int x0 = int(std::floor(r.x * sx)), y0 = int(std::floor(r.y * sy));
        const int x1 = int(std::ceil((r.x + r.width) * sx)), y1 = int(std::ceil((r.y + r.height) * sy));
        const QRect box = QRect(x0, y0, x1 - x0, y1 - y0) & frame;
        if (box.isEmpty())
            continue;
        result->anyBoxes << box;
        if (r.area() >= minArea)
            result->boxes << box;
    }
}

MotionResult MotionDetector::analyse(const cv::Mat& gray, QSize sourceSize, const MotionSettings& settings)
{
    const auto start = std::chrono::steady_clock::now();
    MotionResult result;
    if (gray.empty() || gray.type() != CV_8UC1) {
        reset();
        result.analyseMs = elapsedMs(start);
        return result;
    }
    updateMask(gray.size(), settings.masks);
    Contrast measured;
    measureContrast(gray, &measured);

    if (m_background.empty() || m_background.size() != gray.size()) {
        restart(gray, measured, kWarmupFrames);
        result.analyseMs = elapsedMs(start);
        return result;
    }

    m_contrast.lo += kContrastAlpha * (measured.lo - m_contrast.lo);
    m_contrast.hi += kContrastAlpha * (measured.hi - m_contrast.hi);
    m_contrast.median += kContrastAlpha * (measured.median - m_contrast.median);
    // A new gain re-scales the background with it: a dark car parking moves the low percentile,
    // and that must not make the whole picture differ from its background.
    const double gain = m_contrast.gain();
    if (gain != m_gain) {
        m_background.convertTo(m_background, CV_32F, gain / m_gain);
        m_gain = gain;
    }
    normalise(gray);
    cv::absdiff(m_normalised, m_background, m_diff);
    // "threshold" is the smallest difference that counts as moving.
    cv::compare(m_diff, double(std::max(settings.threshold, 1)), m_moving, cv::CMP_GE);
    if (!m_mask.empty())
        cv::bitwise_and(m_moving, m_mask, m_moving);
    const int movingPixels = cv::countNonZero(m_moving);
    const double motionPct = m_unmaskedPixels > 0 ? 100.0 * movingPixels / m_unmaskedPixels : 0;

    if (motionPct >= kGlobalChangePct) {
        // The light changed (lights on, IR cut filter): start over from this frame, stretch included.
        restart(gray, measured, 0);
        result.recalibrated = true;
        result.analyseMs = elapsedMs(start);
        return result;
    }

    if (m_warmupFrames > 0) {
        cv::accumulateWeighted(m_normalised, m_background, kWarmupAlpha);
    } else {
        // Learn where still, or moving for long enough (saturating 8-bit count of moving frames).
        cv::add(m_movingFrames, cv::Scalar(1), m_movingFrames, m_moving);
        cv::bitwise_not(m_moving, m_learn);
        m_movingFrames.setTo(0, m_learn);
        cv::compare(m_movingFrames, kAbsorbAfterFrames, m_settled, cv::CMP_GE);
        cv::bitwise_or(m_learn, m_settled, m_learn);
        cv::accumulateWeighted(m_normalised, m_background, kBackgroundAlpha, m_learn);
    }
    // Dilation joins the pieces of one object (a person's limbs, a car's windows). Done on every
    // frame: the next frame's contrast measure leaves these pixels out.
    cv::dilate(m_moving, m_dilated, cv::Mat(), cv::Point(-1, -1), 1);
    if (m_warmupFrames > 0) {
        --m_warmupFrames;
    } else {
        result.motionPct = motionPct;
        if (movingPixels > 0)
            findBoxes(gray.size(), sourceSize, settings.minAreaPct, &result);
    }
    std::swap(m_lastMoving, m_dilated);  // the buffers trade places: no allocation
    result.motion = !result.boxes.isEmpty();
    result.analyseMs = elapsedMs(start);
    return result;
}

} // namespace vigil
