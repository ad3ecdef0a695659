#include "test_util.h"

#include <QDir>
#include <QFile>

#include "processing/jpeg_codec.h"

#include <opencv2/imgproc.hpp>

namespace vigil::test {

static QString sharedDir(const char* env, const char* sub)
{
    const QString fromEnv = qEnvironmentVariable(env);
    if (!fromEnv.isEmpty())
        return fromEnv;
    return QDir::cleanPath(QStringLiteral(VIGIL_SOURCE_DIR) + "/../shared/" + sub);
}

QString modelsDir() { return sharedDir("VIGIL_MODELS_DIR", "models"); }
QString testdataDir() { return sharedDir("VIGIL_TESTDATA_DIR", "testdata"); }

QByteArray readFile(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

cv::Mat readPhotoBgr(const QString& path)
{
    cv::Mat bgr;
    JpegDecoder decoder;
    return decoder.decodeBgr(readFile(path), bgr) ? bgr : cv::Mat();
}

cv::Mat personSprite(int height)
{
    const cv::Rect inPhoto(179, 87, 108, 297);
    const cv::Mat photo = readPhotoBgr(testdataDir() + "/person.jpg");
    if (photo.empty())
        return {};
    cv::Mat sprite;
    const double k = double(height) / inPhoto.height;
    cv::resize(photo(inPhoto), sprite, cv::Size(), k, k, cv::INTER_AREA);
    return sprite;
}

cv::Mat yardBackground()
{
    cv::Mat yard(480, 640, CV_8UC3);
    for (int y = 0; y < yard.rows; ++y)
        for (int x = 0; x < yard.cols; ++x)
            yard.at<cv::Vec3b>(y, x) = cv::Vec3b(uchar(90 + y / 8 + (x * 7 + y * 3) % 11),
                                                 uchar(110 + y / 10 + (x * 5) % 9), uchar(100 + x / 20));
    return yard;
}

cv::Mat withSprite(const cv::Mat& background, const cv::Mat& sprite, int x, int y)
{
    cv::Mat f = background.clone();
    const cv::Rect at(x, y, sprite.cols, sprite.rows);
    const cv::Rect inside = at & cv::Rect(0, 0, f.cols, f.rows);
    if (!inside.empty())
        sprite(cv::Rect(inside.x - at.x, inside.y - at.y, inside.width, inside.height)).copyTo(f(inside));
    return f;
}

} // namespace vigil::test
