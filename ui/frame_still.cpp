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

StillFeed::Update StillFeed::poll()
{
    const ProcessedFramePtr frame = m_source ? m_source() : nullptr;
    if (frame && frame->seq != m_lastSeq) {
        // Not the editor's size: it is not laid out yet on the first call, and the dialog can grow.
        const QImage still = stillImage(*frame, QSize(1280, 960));
        if (!still.isNull()) {
            m_lastSeq = frame->seq;
            m_live = true;
            return {Kind::Live, frame, still};
        }
    }
    if (frame || m_live)
        return {};  // the same frame as before
    return m_fallback.isNull() ? Update{Kind::None, nullptr, {}} : Update{Kind::Fallback, nullptr, m_fallback};
}

} // namespace vigil
