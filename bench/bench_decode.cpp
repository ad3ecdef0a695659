// Decode at half size: libjpeg-turbo DCT scaling vs full decode + cv::resize (INTER_AREA).
#include <QByteArray>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>

#include <algorithm>
#include <cstdio>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "processing/jpeg_codec.h"

using namespace vigil;

namespace {

QByteArray readFile(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// dog.jpg from the shared test data when present (resized to 1280x720), else gradient + noise.
cv::Mat testImage(QString* what)
{
    QString dir = qEnvironmentVariable("VIGIL_TESTDATA_DIR");
    if (dir.isEmpty())
        dir = QStringLiteral(VIGIL_BENCH_SOURCE_DIR "/../shared/testdata");
    const QByteArray dog = readFile(dir + "/dog.jpg");
    JpegDecoder dec;
    cv::Mat full, img;
    if (!dog.isEmpty() && dec.decodeBgr(dog, full)) {
        cv::resize(full, img, cv::Size(1280, 720), 0, 0, cv::INTER_CUBIC);
        *what = QDir::cleanPath(dir + "/dog.jpg") + " resized to 1280x720";
        return img;
    }
    img.create(720, 1280, CV_8UC3);
    for (int y = 0; y < img.rows; ++y)
        for (int x = 0; x < img.cols; ++x)
            img.at<cv::Vec3b>(y, x) = cv::Vec3b(uchar(x / 5), uchar(y / 3), uchar((x + y) / 8));
    cv::Mat noise(img.size(), CV_8UC3);
    cv::RNG(1).fill(noise, cv::RNG::NORMAL, 0, 12);
    cv::add(img, noise, img, cv::noArray(), CV_8UC3);
    *what = "synthetic gradient + noise 1280x720";
    return img;
}

// Best of `iters` runs after a warm-up: the machine is shared, the minimum is the stable figure.
template <typename F>
double timeMs(F&& f, int iters)
{
    for (int i = 0; i < 5; ++i)
        f();
    double best = 1e9;
    for (int i = 0; i < iters; ++i) {
        QElapsedTimer t;
        t.start();
        f();
        best = std::min(best, t.nsecsElapsed() / 1e6);
    }
    return best;
}

} // namespace

int main()
{
    QString what;
    const cv::Mat img = testImage(&what);
    std::printf("image: %s\n", qPrintable(what));
    std::printf("times: best of 60 runs, one thread\n\n");
    JpegEncoder enc;
    JpegDecoder dec;
    const int iters = 60;
    for (int quality : {85, 70, 50}) {
        const QByteArray jpeg = enc.encodeBgr(img, quality);
        cv::Mat full, resized, scaled;
        const double fullMs = timeMs([&] { dec.decodeBgr(jpeg, full); }, iters);
        const double fullResizeMs = timeMs(
            [&] {
                dec.decodeBgr(jpeg, full);
                cv::resize(full, resized, cv::Size(640, 360), 0, 0, cv::INTER_AREA);
            },
            iters);
        const double halfMs = timeMs([&] { dec.decodeBgr(jpeg, scaled, QSize(640, 360)); }, iters);
        const double eighthMs = timeMs([&] { dec.decodeBgr(jpeg, scaled, QSize(160, 90)); }, iters);
        dec.decodeBgr(jpeg, scaled, QSize(640, 360));
        const double db = cv::PSNR(scaled, resized);

        std::printf("quality %d, %.1f KB:\n", quality, jpeg.size() / 1024.0);
        std::printf("  full decode 1280x720:                 %6.2f ms\n", fullMs);
        std::printf("  full decode + resize 640x360 (AREA):  %6.2f ms\n", fullResizeMs);
        std::printf("  DCT-scaled decode 1/2 -> %dx%d:      %6.2f ms\n", scaled.cols, scaled.rows, halfMs);
        std::printf("  DCT-scaled decode 1/8 (entropy-decoding floor): %.2f ms\n", eighthMs);
        std::printf("  speed-up at 1/2: %.2fx  (PSNR vs resize %.1f dB)\n\n", fullResizeMs / halfMs, db);
    }
    return 0;
}
