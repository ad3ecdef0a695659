#include "config/camera_config.h"

#include <QJsonArray>

#include "common/redact.h"
#include "config/json_reader.h"
#include "config/polygons.h"

namespace vigil {

QJsonObject CameraConfig::toJson() const
{
    QJsonObject o{
        {"id", id},
        {"name", name},
        {"url", url.toString()},
        {"user", user},
        {"password", password},
        {"skip_frames", skipFrames},
        {"fps", maxFps},
        {"detect", detectModeName(detect)},
        {"motion_threshold", motion.threshold},
        {"motion_min_area", motion.minAreaPct},
        {"motion_masks", polygonsToJson(motion.masks)},
        {"heartbeat_s", heartbeatS},
        {"model", detector.modelPath},
        {"class_names", detector.classNamesPath},
        {"confidence", double(detector.confThreshold)},
        {"nms", double(detector.nmsThreshold)},
        {"classes", QJsonArray::fromStringList(detector.classFilter)},
        {"jpeg_quality", jpegQuality},
        {"accept_self_signed_tls", acceptSelfSignedTls},
        {"connect_timeout_ms", connectTimeoutMs},
        {"stall_timeout_ms", stallTimeoutMs},
        {"backoff_initial_ms", backoffInitialMs},
        {"backoff_max_ms", backoffMaxMs},
    };
    events.writeTo(o);
    if (maxJpegSize.isValid()) {
        o.insert("max_jpeg_width", maxJpegSize.width());
        o.insert("max_jpeg_height", maxJpegSize.height());
    }
    return o;
}

CameraConfig CameraConfig::fromJson(const QJsonObject& obj, QStringList* errors, const QString& context)
{
    CameraConfig c;
    JsonReader r(obj, errors, context);
    const bool idRead = r.read("id", c.id);
    r.read("name", c.name);
    QString url;
    const bool urlRead = r.read("url", url);
    c.url = QUrl(url);
    r.read("user", c.user);
    r.read("password", c.password);
    r.read("skip_frames", c.skipFrames, 1, 1000);
    r.read("fps", c.maxFps, 0, 1000);
    // "detect" wins; the older "detection": false still means off.
    bool detection = true;
    if (r.read("detection", detection) && !detection)
        c.detect = DetectMode::Off;
    QString mode;
    if (r.read("detect", mode) && !parseDetectMode(mode, &c.detect))
        r.fail("detect", QStringLiteral("\"%1\" is not always, motion or off").arg(mode.left(40)));
    r.read("motion_threshold", c.motion.threshold, 1, 255);
    r.read("motion_min_area", c.motion.minAreaPct, 0, 100);
    if (r.has("motion_masks")) {
        QStringList why;
        c.motion.masks = polygonsFromJson(r.value("motion_masks"), &why);
        for (const QString& w : std::as_const(why))
            r.fail("motion_masks", w);
    }
    r.read("heartbeat_s", c.heartbeatS, 1, 86400);
    c.events = CameraEventConfig::read(r);
    r.read("model", c.detector.modelPath);
    r.read("class_names", c.detector.classNamesPath);
    double conf = c.detector.confThreshold, nms = c.detector.nmsThreshold;
    if (r.read("confidence", conf, 0, 1))
        c.detector.confThreshold = float(conf);
    if (r.read("nms", nms, 0, 1))
        c.detector.nmsThreshold = float(nms);
    QStringList classes;
    if (r.read("classes", classes))
        for (const QString& name : std::as_const(classes))
            if (!name.trimmed().isEmpty())
                c.detector.classFilter << name.trimmed();
    r.read("jpeg_quality", c.jpegQuality, 1, 100);
    r.read("accept_self_signed_tls", c.acceptSelfSignedTls);
    r.read("connect_timeout_ms", c.connectTimeoutMs, 100, 600000);
    r.read("stall_timeout_ms", c.stallTimeoutMs, 100, 600000);
    r.read("backoff_initial_ms", c.backoffInitialMs, 10, 600000);
    r.read("backoff_max_ms", c.backoffMaxMs, 10, 3600000);
    int maxW = -1, maxH = -1;
    r.read("max_jpeg_width", maxW, 16, 65500);
    r.read("max_jpeg_height", maxH, 16, 65500);
    if (maxW > 0 || maxH > 0)
        c.maxJpegSize = QSize(maxW > 0 ? maxW : c.captureLimits.maxJpegSize.width(),
                              maxH > 0 ? maxH : c.captureLimits.maxJpegSize.height());
    if (!r.has("id"))
        r.fail("id", QStringLiteral("missing"));
    else if (idRead && c.id.isEmpty())
        r.fail("id", QStringLiteral("empty"));
    if (!r.has("url"))
        r.fail("url", QStringLiteral("missing"));
    else if (urlRead && !validateUrl(c.url).isEmpty())
        r.fail("url", validateUrl(c.url));
    return c;
}

bool CameraConfig::isUsable() const
{
    return !id.isEmpty() && validateUrl(url).isEmpty();
}

QString CameraConfig::validateUrl(const QUrl& url)
{
    if (url.isEmpty())
        return QStringLiteral("the URL is empty");
    if (!url.isValid())
        // Only QUrl's reason: the rest of its message quotes the URL's parts, password included.
        return QStringLiteral("the URL is not valid: %1")
            .arg(redactedText(url.errorString().section(QLatin1String("; source was"), 0, 0)));
    const QString scheme = url.scheme().toLower();
    if (scheme != "http" && scheme != "https")
        return QStringLiteral("the URL must start with http:// or https:// (got \"%1\")")
            .arg(scheme.isEmpty() ? redactedUrlString(url) : scheme + "://");
    if (url.host().isEmpty())
        return QStringLiteral("the URL has no host name");
    return {};
}

} // namespace vigil
