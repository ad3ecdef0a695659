#include "events/event_snapshots.h"

#include <opencv2/imgproc.hpp>

#include "processing/frame_processor.h"
#include "processing/jpeg_codec.h"

namespace vigil {

EventPictures makeEventPictures(const QByteArray& sourceJpeg, const Detection& object)
{
    EventPictures p;
    p.clean = sourceJpeg;
    JpegDecoder decoder;
    JpegEncoder encoder;
    cv::Mat bgr;
    if (!decoder.decodeBgr(sourceJpeg, bgr, {}, &p.error))
        return p;
    // The thumbnail first, from the clean picture.
    cv::Mat thumb;
    const double k = std::min(1.0, double(kThumbnailWidth) / bgr.cols);
    cv::resize(bgr, thumb, cv::Size(), k, k, cv::INTER_AREA);
    p.thumbnail = encoder.encodeBgr(thumb, 80, &p.error);
    annotate(bgr, {object}, 1.0);
    p.withBox = encoder.encodeBgr(bgr, 85, &p.error);
    return p;
}

} // namespace vigil
