#pragma once
// The pictures of an event's best frame: the camera's own JPEG (clean, bytes unchanged), the same
// with the object's box drawn, and a small thumbnail.
#include <QByteArray>
#include <QString>

#include "common/frame.h"

namespace vigil {

struct EventPictures {
    QByteArray clean;             // the source JPEG as the camera sent it
    QByteArray withBox;           // full size, the box and label drawn
    QByteArray thumbnail;         // at most kThumbnailWidth wide
    QString error;                // why withBox/thumbnail are missing (clean is always set)
};

inline constexpr int kThumbnailWidth = 320;

// The object's detection in source pixels. A frame that does not decode keeps only `clean`, with
// the reason.
EventPictures makeEventPictures(const QByteArray& sourceJpeg, const Detection& object);

} // namespace vigil
