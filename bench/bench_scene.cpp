#include "bench_scene.h"

#include <QDir>
#include <QFile>
#include <opencv2/imgproc.hpp>

#include "bench_util.h"
#include "processing/jpeg_codec.h"

namespace vigil::bench {

Scene::Scene()
{
    yard = cv::Mat(480, 640, CV_8UC3);
    for (int y = 0; y < yard.rows; ++y)
        for (int x = 0; x < yard.cols; ++x)
            yard.at<cv::Vec3b>(y, x) = cv::Vec3b(uchar(90 + y / 8 + (x * 7 + y * 3) % 11),
                                                 uchar(110 + y / 10 + (x * 5) % 9), uchar(100 + x / 20));
    QFile f(sharedDir("VIGIL_TESTDATA_DIR", "testdata") + "/person.jpg");
    cv::Mat photo;
    JpegDecoder dec;
    if (f.open(QIODevice::ReadOnly) && dec.decodeBgr(f.readAll(), photo)) {
        const cv::Rect inPhoto(179, 87, 108, 297);  // objects.json's person, with a margin
        cv::resize(photo(inPhoto), person, cv::Size(), 190.0 / inPhoto.height, 190.0 / inPhoto.height,
                   cv::INTER_AREA);
    }
}

QByteArray Scene::frame(int personX, double brightness, double noise, cv::RNG& rng) const
{
    cv::Mat f = yard.clone();
    // The person may be partly outside the frame (walking in or out).
    const cv::Rect at(personX, 250, person.cols, person.rows);
    const cv::Rect inside = at & cv::Rect(0, 0, f.cols, f.rows);
    if (personX > -person.cols && !inside.empty())
        person(cv::Rect(inside.x - at.x, inside.y - at.y, inside.width, inside.height)).copyTo(f(inside));
    if (noise > 0 || brightness != 0) {
        cv::Mat n(f.size(), CV_16SC3), g;
        rng.fill(n, cv::RNG::NORMAL, brightness, std::max(noise, 1e-3));
        f.convertTo(g, CV_16SC3);
        g += n;
        g.convertTo(f, CV_8UC3);
    }
    JpegEncoder enc;
    return enc.encodeBgr(f, 85);
}

QList<QByteArray> staticLoop(const Scene& s)
{
    cv::RNG rng(1);
    QList<QByteArray> out;
    for (int i = 0; i < 120; ++i)
        out << s.frame(-1, 12.0 * (i < 60 ? i : 120 - i) / 60.0, 3.0, rng);
    return out;
}

QList<QByteArray> walkingLoop(const Scene& s)
{
    cv::RNG rng(2);
    QList<QByteArray> out;
    for (int i = 0; i < 120; ++i)
        out << s.frame(20 + 9 * (i < 60 ? i : 120 - i), 0, 3.0, rng);
    return out;
}

bool writeFrames(const QList<QByteArray>& frames, const QString& dir)
{
    QDir().mkpath(dir);
    for (int i = 0; i < frames.size(); ++i) {
        QFile f(QStringLiteral("%1/%2.jpg").arg(dir).arg(i, 4, 10, QChar('0')));
        if (!f.open(QIODevice::WriteOnly) || f.write(frames[i]) != frames[i].size())
            return false;
    }
    return true;
}

QList<QByteArray> visitLoop(const Scene& s, int seconds)
{
    cv::RNG rng(4);
    QList<QByteArray> out;
    const QByteArray empty = s.frame(-1, 0, 0, rng);
    for (int i = 0; i < seconds * 30; ++i)
        out << (i < 90 ? s.frame(-200 + 10 * i, 0, 0, rng) : empty);
    return out;
}

} // namespace vigil::bench
