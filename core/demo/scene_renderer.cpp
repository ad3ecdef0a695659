#include "demo/scene_renderer.h"

#include <cmath>
#include <opencv2/imgproc.hpp>

#include "processing/jpeg_codec.h"

namespace vigil {

QList<QByteArray> renderDemoLoop(QSize size, int count, int quality)
{
    QList<QByteArray> frames;
    JpegEncoder encoder;
    const int w = size.width(), h = size.height();
    cv::Mat img(h, w, CV_8UC3);
    cv::Mat noise(h, w, CV_8UC3);
    cv::RNG rng(12345);
    for (int i = 0; i < count; ++i) {
        const double t = double(i) / count;  // 0..1 over the loop: motion wraps seamlessly
        // Sky-to-ground gradient: a scene with some texture, like a real camera.
        for (int y = 0; y < h; ++y) {
            const double k = double(y) / h;
            const cv::Scalar c = y < h * 0.55 ? cv::Scalar(200 - 60 * k, 160 - 40 * k, 110)
                                              : cv::Scalar(70, 95 + 20 * k, 80);
            img.row(y).setTo(c);
        }
        rng.fill(noise, cv::RNG::UNIFORM, 0, 12);
        img += noise;
        // A "car" crossing the frame and a bouncing ball.
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
        const std::string label = "VIGIL DEMO  frame " + std::to_string(i);
        cv::putText(img, label, cv::Point(12, 28), cv::FONT_HERSHEY_SIMPLEX, 0.7 * w / 640.0,
                    cv::Scalar(255, 255, 255), 2, cv::LINE_AA);
        frames << encoder.encodeBgr(img, quality);
    }
    return frames;
}

} // namespace vigil
