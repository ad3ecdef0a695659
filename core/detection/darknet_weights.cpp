#include "detection/darknet_weights.h"

#include <QFile>
#include <QtEndian>

namespace vigil {

QString checkDarknetWeights(cv::dnn::Net& net, const QString& weightsPath)
{
    QFile f(weightsPath);
    if (!f.open(QIODevice::ReadOnly))
        return QStringLiteral("cannot read %1").arg(weightsPath);
    // Header: major, minor, revision (int32), then "seen": int64 from version 0.2 on, else int32.
    const QByteArray head = f.read(8);
    if (head.size() < 8)
        return QStringLiteral("weights file %1 is too short").arg(weightsPath);
    const qint32 major = qFromLittleEndian<qint32>(head.constData());
    const qint32 minor = qFromLittleEndian<qint32>(head.constData() + 4);
    const qint64 header = (major * 10 + minor >= 2 && major < 1000 && minor < 1000) ? 20 : 16;
    const qint64 floatsInFile = (f.size() - header) / 4;

    // Every learned parameter comes from the file: convolution weights/biases and batch-norm
    // scale/bias/mean/variance. Region (YOLO) layers hold cfg anchors only.
    qint64 needed = 0;
    for (const cv::String& name : net.getLayerNames()) {
        const cv::Ptr<cv::dnn::Layer> layer = net.getLayer(name);
        if (layer->type == "Region")
            continue;
        for (const cv::Mat& b : layer->blobs)
            needed += qint64(b.total());
    }
    if (floatsInFile < needed)
        return QStringLiteral("weights file %1 is truncated or does not match the cfg (%2 of %3 parameters)")
            .arg(weightsPath).arg(qMax<qint64>(0, floatsInFile)).arg(needed);
    return {};
}

} // namespace vigil
