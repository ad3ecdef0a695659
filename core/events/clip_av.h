#pragma once
// Small helpers shared by the clip writer and reader around libav's C API.
#include <QString>

extern "C" {
#include <libavutil/error.h>
}

namespace vigil::clipav {

// libav's message for an AVERROR code ("No space left on device", "Invalid data found ...").
inline QString errorText(int averror)
{
    char buf[AV_ERROR_MAX_STRING_SIZE] = {};
    av_strerror(averror, buf, sizeof buf);
    return QString::fromUtf8(buf);
}

// A local path as a libav URL: "file:" keeps a name with a colon from being read as a protocol.
inline QByteArray fileUrl(const QString& path)
{
    return "file:" + path.toUtf8();
}

} // namespace vigil::clipav
