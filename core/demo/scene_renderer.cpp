#include "demo/scene_renderer.h"

#include <QFile>
#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

#include "processing/jpeg_codec.h"

static void initDemoResources() { Q_INIT_RESOURCE(demo_scene); }

namespace vigil {

namespace {

// One background frame: sky, ground, a "car" crossing and a bouncing ball; t in [0, 1) over the loop.
void drawBackground(cv::Mat& img, cv::Mat& noise, cv::RNG& rng, double t)
{
    const int w = img.cols, h = img.rows;
    for (int y = 0; y < h; ++y) {
        const double k = double(y) / h;
        const cv::Scalar c = y < h * 0.55 ? cv::Scalar(200 - 60 * k, 160 - 40 * k, 110)
                                          : cv::Scalar(70, 95 + 20 * k, 80);
        img.row(y).setTo(c);
    }
    rng.fill(noise, cv::RNG::UNIFORM, 0, 12);
    img += noise;
    const int carX = int(std::fmod(t * 1.0, 1.0) * (w + 200)) - 150;
    const int carY = int(h * 0.62);
    cv::rectangle(img, cv::Rect(carX, carY, int(w * 0.22), int(h * 0.12)), cv::Scalar(40, 40, 200), cv::FILLED);
    cv::rectangle(img, cv::Rect(carX + int(w * 0.04), carY - int(h * 0.06), int(w * 0.12), int(h * 0.07)),
                  cv::Scalar(60, 60, 220), cv::FILLED);
    cv::circle(img, cv::Point(carX + int(w * 0.05), carY + int(h * 0.12)), int(h * 0.03), cv::Scalar(20, 20, 20), cv::FILLED);
    cv::circle(img, cv::Point(carX + int(w * 0.17), carY + int(h * 0.12)), int(h * 0.03), cv::Scalar(20, 20, 20), cv::FILLED);
    const int ballX = int(w * (0.5 + 0.35 * std::sin(2 * M_PI * t)));
    const int ballY = int(h * (0.3 + 0.2 * std::fabs(std::cos(4 * M_PI * t))));
    cv::circle(img, cv::Point(ballX, ballY), int(h * 0.05), cv::Scalar(0, 200, 255), cv::FILLED, cv::LINE_AA);
}

void drawLabel(cv::Mat& img, int frame)
{
    const std::string label = "VIGIL DEMO  frame " + std::to_string(frame);
    cv::putText(img, label, cv::Point(12, 28), cv::FONT_HERSHEY_SIMPLEX, 0.7 * img.cols / 640.0,
                cv::Scalar(255, 255, 255), 2, cv::LINE_AA);
}

// BGRA sprite alpha-blended onto img with its top-left at (x, y), clipped to the frame.
void blend(cv::Mat& img, const cv::Mat& sprite, int x, int y)
{
    const cv::Rect at(x, y, sprite.cols, sprite.rows);
    const cv::Rect inside = at & cv::Rect(0, 0, img.cols, img.rows);
    for (int r = 0; r < inside.height; ++r) {
        const auto* s = sprite.ptr<cv::Vec4b>(inside.y - y + r) + (inside.x - x);
        auto* d = img.ptr<cv::Vec3b>(inside.y + r) + inside.x;
        for (int c = 0; c < inside.width; ++c) {
            const int a = s[c][3];
            for (int k = 0; k < 3; ++k)
                d[c][k] = uchar((s[c][k] * a + d[c][k] * (255 - a) + 127) / 255);
        }
    }
}

cv::Mat spriteBgra(int height)
{
    const QImage image = demoPersonImage().convertToFormat(QImage::Format_RGBA8888);
    if (image.isNull() || height <= 0)
        return {};
    const cv::Mat rgba(image.height(), image.width(), CV_8UC4, const_cast<uchar*>(image.constBits()),
                       size_t(image.bytesPerLine()));
    cv::Mat bgra, scaled;
    cv::cvtColor(rgba, bgra, cv::COLOR_RGBA2BGRA);
    const double k = double(height) / bgra.rows;
    cv::resize(bgra, scaled, cv::Size(), k, k, cv::INTER_AREA);
    return scaled;
}

// Where the person is at time s into its walk (x of its left edge; 0..1 of the walk): walks in
// from the left to 40 % of the width, stands for a while, walks out to the right.
double walkX(double s, double walkS, int frameW, int spriteW)
{
    const double in = walkS * 0.35, stand = walkS * 0.25;
    const double startX = -spriteW, standX = frameW * 0.40, endX = frameW;
    if (s < in)
        return startX + (standX - startX) * (s / in);
    if (s < in + stand)
        return standX;
    return standX + (endX - standX) * ((s - in - stand) / (walkS - in - stand));
}

} // namespace

QImage demoPersonImage()
{
    initDemoResources();
    return QImage(QStringLiteral(":/vigil/demo/person.png"));
}

QList<QByteArray> renderDemoLoop(QSize size, int count, int quality)
{
    QList<QByteArray> frames;
    JpegEncoder encoder;
    cv::Mat img(size.height(), size.width(), CV_8UC3);
    cv::Mat noise(size.height(), size.width(), CV_8UC3);
    cv::RNG rng(12345);
    for (int i = 0; i < count; ++i) {
        drawBackground(img, noise, rng, double(i) / count);  // motion wraps seamlessly
        drawLabel(img, i);
        frames << encoder.encodeBgr(img, quality);
    }
    return frames;
}

QList<QByteArray> renderDemoScene(QSize size, int quality, const DemoSceneOptions& options,
                                  const std::atomic<bool>* cancel)
{
    const int loop = std::max(1, options.loopFrames);
    const QList<QByteArray> base = renderDemoLoop(size, loop, quality);
    const int total = std::max(loop, int(std::lround(options.periodS * options.fps)));
    const int walkFrames = std::clamp(int(std::lround(options.walkS * options.fps)), 0, total);
    // A grown-up in the yard: feet near the bottom, about 42 % of the frame high.
    const cv::Mat sprite = spriteBgra(int(size.height() * 0.42));
    QList<QByteArray> frames;
    frames.reserve(total);
    JpegEncoder encoder;
    cv::Mat img(size.height(), size.width(), CV_8UC3);
    cv::Mat noise(size.height(), size.width(), CV_8UC3);
    cv::RNG rng(777);
    // The walk starts a quarter into the period, so a newly started demo shows it soon.
    const int walkStart = total / 8;
    for (int i = 0; i < total; ++i) {
        if (cancel && cancel->load())
            return {};
        const int j = i % loop;
        const int w = i - walkStart;
        if (sprite.empty() || w < 0 || w >= walkFrames) {
            frames << base[j];
            continue;
        }
        drawBackground(img, noise, rng, double(j) / loop);
        const double s = w / options.fps;
        const int x = int(std::lround(walkX(s, options.walkS, size.width(), sprite.cols)));
        const bool standing = std::abs(walkX(s + 0.05, options.walkS, size.width(), sprite.cols) - x) < 0.5;
        const int bob = standing ? 0 : int(std::lround(2 * std::fabs(std::sin(s * 2 * M_PI * 1.8))));
        const int y = int(size.height() * 0.97) - sprite.rows - bob;
        blend(img, sprite, x, y);
        drawLabel(img, j);
        frames << encoder.encodeBgr(img, quality);
    }
    return frames;
}

} // namespace vigil
