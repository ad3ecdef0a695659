#include "test_util.h"

#include <QDir>
#include <QFile>

#include "processing/jpeg_codec.h"

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

} // namespace vigil::test
