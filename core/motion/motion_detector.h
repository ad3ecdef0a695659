#pragma once
// Motion analysis on a small luma image (a DCT-scaled, grayscale-only JPEG decode): a running-average
// background, contrast normalisation, blur, threshold, dilate, contours. One instance per camera;
// analyse() is called from one thread at a time.
//
// Robust to JPEG and sensor noise (blur, threshold, minimum area) and to slow global light changes
// (contrast normalisation, the background follows). A sudden global change (lights on, IR switching)
// recalibrates: the background is reset and no motion is reported for that frame.
#include <QList>
#include <QRect>
#include <QSize>
#include <opencv2/core.hpp>
#include <vector>

#include "motion/motion_settings.h"

namespace vigil {

struct MotionResult {
    // A region's size is its bounding box's area in the analysed image, as a share of that image.
    bool motion = false;          // some region >= minAreaPct moved
    double motionPct = 0;         // share of the unmasked frame that moved (0..100)
    QList<QRect> boxes;           // regions >= minAreaPct, in source pixels
    QList<QRect> anyBoxes;        // every moving region above the threshold, any size, source pixels
    bool recalibrated = false;    // sudden global change: background reset, nothing reported
    double analyseMs = 0;         // analyse() time (the decode is not included)
};

class MotionDetector {
public:
    // Share of the unmasked frame that, changing at once, means "the light changed", not motion.
    static constexpr double kGlobalChangePct = 60.0;

    // `gray`: CV_8UC1, the whole frame scaled down (any size; see analysisSize()). `sourceSize`: the
    // camera frame's size, for the boxes. The first frame (or one after a size change or reset) only
    // starts the background.
    MotionResult analyse(const cv::Mat& gray, QSize sourceSize, const MotionSettings& settings);
    void reset();

    // The size of the luma image to decode for a source: the smallest libjpeg-turbo DCT scale (1/8..1)
    // whose shorter side is at least 100 pixels where the source has them (640x480 -> 160x120,
    // 1920x1080 -> 240x135), so small objects are still a few pixels.
    static QSize analysisSize(QSize source);

private:
    // The stretch: (pixel - median) * gain, gain from the low..high percentile spread, capped. The
    // median (robust to objects) follows the brightness; the spread only scales.
    struct Contrast {
        double lo = 0, median = 128, hi = 255;
        double gain() const;
    };
    void updateMask(cv::Size size, const QList<RelativePolygon>& masks);
    // Percentiles of the unmasked pixels that did not move in the previous frame.
    void measureContrast(const cv::Mat& gray, Contrast* out) const;
    // Blurs `gray` into m_blurred, stretches that with the current contrast into m_normalised (float).
    void normalise(const cv::Mat& gray);
    // Starts the background (and the stretch) over from `gray`.
    void restart(const cv::Mat& gray, const Contrast& contrast, int warmupFrames);
    // The contours of m_dilated as boxes in source pixels.
    void findBoxes(cv::Size analysed, QSize sourceSize, double minAreaPct, MotionResult* result);

    cv::Mat m_background;         // CV_32FC1, running average of normalised, blurred frames
    cv::Mat m_mask;               // CV_8UC1, 255 where motion counts (outside the masks); empty: no masks
    cv::Size m_maskSize;          // the size m_mask was rasterised for
    QList<RelativePolygon> m_maskPolygons;
    int m_unmaskedPixels = 0;
    int m_warmupFrames = 0;       // frames left before motion is reported after (re)start
    Contrast m_contrast;          // smoothed over frames
    double m_gain = 1;            // the gain m_background is scaled with
    // Per-frame work images, kept so that analyse() does not allocate once the size is stable.
    cv::Mat m_lut, m_blurred, m_normalised, m_diff, m_moving, m_learn, m_settled, m_dilated;
    cv::Mat m_movingFrames;       // CV_8UC1, how many frames in a row each pixel has been moving
    cv::Mat m_lastMoving;         // the previous frame's dilated moving pixels; empty after a (re)start
    std::vector<std::vector<cv::Point>> m_contours;
};

} // namespace vigil
