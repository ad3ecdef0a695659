#include "frame_still.h"

#include <opencv2/core.hpp>

#include "processing/jpeg_codec.h"

namespace vigil {

QImage stillImage(const ProcessedFrame& frame, QSize needed)
{
    if (!frame.sourceJpeg.isEmpty()) {
        // The decoder the pipeline uses: no dependence on Qt's image plugins, and DCT scaling.
        JpegDecoder decoder;
        cv::Mat bgr;
        if (decoder.decodeBgr(frame.sourceJpeg, bgr, needed) && !bgr.empty())
            return QImage(bgr.data, bgr.cols, bgr.rows, int(bgr.step), QImage::Format_BGR888).copy();
        const QImage viaQt = QImage::fromData(frame.sourceJpeg, "JPG");
        if (!viaQt.isNull())
            return viaQt;
    }
    return frame.image;
}

QList<QRectF> relativeBoxes(const QList<QRect>& boxes, QSize sourceSize)
{
    QList<QRectF> out;
    if (sourceSize.isEmpty())
        return out;
    const double w = sourceSize.width(), h = sourceSize.height();
    for (const QRect& b : boxes)
        out << QRectF(b.x() / w, b.y() / h, b.width() / w, b.height() / h);
    return out;
}

} // namespace vigil
