// Motion analysis cost per frame: luma-only DCT-scaled decode + MotionDetector::analyse(), against a
// full BGR decode of the same JPEG. Realistic frames: a photo with sensor noise and a moving figure.
//   bench_motion [--frames N]
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "bench_util.h"
#include "motion/motion_detector.h"
#include "processing/jpeg_codec.h"

using namespace vigil;

namespace {

cv::Mat readPhoto(const QString& path)
{
    QFile f(path);
    JpegDecoder dec;
    cv::Mat img;
    if (!f.open(QIODevice::ReadOnly) || !dec.decodeBgr(f.readAll(), img))
        return {};
    return img;
}

// The street scene (dog.jpg) at `size`, else a synthetic gradient with shapes.
cv::Mat backgroundAt(const cv::Mat& photo, cv::Size size)
{
    cv::Mat out;
    if (!photo.empty()) {
        cv::resize(photo, out, size, 0, 0, cv::INTER_CUBIC);
        return out;
    }
    out.create(size, CV_8UC3);
    for (int y = 0; y < size.height; ++y)
        for (int x = 0; x < size.width; ++x)
            out.at<cv::Vec3b>(y, x) = cv::Vec3b(uchar(x * 200 / size.width), uchar(y * 200 / size.height), 90);
    for (int i = 0; i < 8; ++i)
        cv::rectangle(out, cv::Rect(i * size.width / 8, size.height / 3, size.width / 12, size.height / 4),
                      cv::Scalar(40 * (i % 4), 200 - 20 * i, 60), cv::FILLED);
    return out;
}

// The JPEG quality whose frames come closest to `targetBytes`.
int qualityFor(const cv::Mat& frame, qsizetype targetBytes)
{
    JpegEncoder enc;
    int best = 80;
    qsizetype bestError = -1;
    for (int q = 30; q <= 95; q += 5) {
        const qsizetype error = std::abs(enc.encodeBgr(frame, q).size() - targetBytes);
        if (bestError < 0 || error < bestError) {
            best = q;
            bestError = error;
        }
    }
    return best;
}

// This thread's CPU time in ms: on a shared machine, wall time also counts waiting for a core.
double threadCpuMs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

// Both clocks from one start.
struct Stopwatch {
    QElapsedTimer wall;
    double cpuStart = 0;
    Stopwatch() { restart(); }
    void restart()
    {
        wall.start();
        cpuStart = threadCpuMs();
    }
    double wallMs() const { return wall.nsecsElapsed() / 1e6; }
    double cpuMs() const { return threadCpuMs() - cpuStart; }
};

struct Times {
    std::vector<double> cpu, wall;
    void add(const Stopwatch& s)
    {
        cpu.push_back(s.cpuMs());
        wall.push_back(s.wallMs());
    }
};

struct Sequence {
    std::vector<QByteArray> jpegs;
    int quality = 0;
    double meanKiB = 0;
};

// `count` frames: the scene with fresh sensor noise each frame and a figure (a crop of another
// photo, else a dark block) crossing it.
Sequence makeSequence(const cv::Mat& scene, const cv::Mat& figurePhoto, int count, qsizetype targetBytes)
{
    const cv::Size size = scene.size();
    const cv::Size figureSize(size.width / 10, size.height / 4);
    cv::Mat figure;
    if (!figurePhoto.empty()) {
        const cv::Rect middle(figurePhoto.cols / 3, figurePhoto.rows / 4, figurePhoto.cols / 4, figurePhoto.rows / 2);
        cv::resize(figurePhoto(middle), figure, figureSize, 0, 0, cv::INTER_AREA);
    } else {
        figure = cv::Mat(figureSize, CV_8UC3, cv::Scalar(30, 30, 40));
    }
    cv::RNG rng(11);
    cv::Mat frame, noise(size, CV_16SC3), wide;
    Sequence seq;
    JpegEncoder enc;
    for (int i = 0; i < count; ++i) {
        scene.convertTo(wide, CV_16SC3);
        rng.fill(noise, cv::RNG::NORMAL, 0, 4);
        wide += noise;
        wide.convertTo(frame, CV_8UC3);
        // Back and forth along the lower half, a few pixels per frame.
        const int span = size.width - figureSize.width;
        const int step = std::max(1, size.width / 160);
        int x = (i * step) % (2 * span);
        if (x > span)
            x = 2 * span - x;
        figure.copyTo(frame(cv::Rect(cv::Point(x, size.height / 2), figureSize)));
        if (i == 0)
            seq.quality = qualityFor(frame, targetBytes);
        seq.jpegs.push_back(enc.encodeBgr(frame, seq.quality));
        seq.meanKiB += seq.jpegs.back().size() / 1024.0 / count;
    }
    return seq;
}

void run(const char* label, const Sequence& seq, QSize source)
{
    JpegDecoder dec;
    MotionDetector detector;
    const MotionSettings settings;
    const QSize analysis = MotionDetector::analysisSize(source);
    Times luma, analysed, total, full;
    cv::Mat gray, bgr;
    int motionFrames = 0;
    // Two passes: the first warms caches and the detector's buffers and is not counted.
    for (int pass = 0; pass < 2; ++pass) {
        for (const QByteArray& jpeg : seq.jpegs) {
            Stopwatch all, step;
            if (!dec.decodeGray(jpeg, gray, analysis))
                std::printf("decodeGray failed\n");
            if (pass)
                luma.add(step);
            step.restart();
            const MotionResult r = detector.analyse(gray, source, settings);
            if (pass) {
                analysed.add(step);
                total.add(all);
            }
            step.restart();
            dec.decodeBgr(jpeg, bgr);
            if (pass) {
                full.add(step);
                motionFrames += r.motion;
            }
        }
    }
    using bench::percentile;
    std::printf("%s: %d frames, %.1f KiB mean (quality %d), analysed at %dx%d, motion in %d frames\n", label,
                int(seq.jpegs.size()), seq.meanKiB, seq.quality, analysis.width(), analysis.height(),
                motionFrames);
    std::printf("  %-26s %21s   %21s\n", "", "thread CPU time", "wall time");
    std::printf("  %-26s %10s %10s   %10s %10s\n", "", "median", "p99", "median", "p99");
    auto row = [](const char* name, const Times& t) {
        std::printf("  %-26s %7.3f ms %7.3f ms   %7.3f ms %7.3f ms\n", name, percentile(t.cpu, 0.5),
                    percentile(t.cpu, 0.99), percentile(t.wall, 0.5), percentile(t.wall, 0.99));
    };
    row("luma decode (DCT-scaled)", luma);
    row("analyse()", analysed);
    row("motion total", total);
    row("full BGR decode", full);
    std::printf("  motion total / full decode (medians): %.0f%% CPU, %.0f%% wall\n\n",
                100.0 * percentile(total.cpu, 0.5) / percentile(full.cpu, 0.5),
                100.0 * percentile(total.wall, 0.5) / percentile(full.wall, 0.5));
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const int frames = int(bench::argValue(app.arguments(), "--frames", 300));
    const QString dir = bench::sharedDir("VIGIL_TESTDATA_DIR", "testdata");
    const cv::Mat street = readPhoto(dir + "/dog.jpg"), figure = readPhoto(dir + "/person.jpg");
    std::printf("scene: %s, figure: %s; one thread; per frame over %d frames\n\n",
                street.empty() ? "synthetic" : qPrintable(QDir::cleanPath(dir + "/dog.jpg")),
                figure.empty() ? "dark block" : "crop of person.jpg", frames);
    const struct {
        const char* label;
        cv::Size size;
        qsizetype targetBytes;
    } cases[] = {{"640x480", {640, 480}, 40 * 1024}, {"1920x1080", {1920, 1080}, 250 * 1024}};
    for (const auto& c : cases) {
        const Sequence seq = makeSequence(backgroundAt(street, c.size), figure, frames, c.targetBytes);
        run(c.label, seq, QSize(c.size.width, c.size.height));
    }
    return 0;
}
