#include "config/camera_config.h"

#include <QJsonArray>

#include "common/redact.h"

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
        {"detection", detectionEnabled},
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
    if (maxJpegSize.isValid()) {
        o.insert("max_jpeg_width", maxJpegSize.width());
        o.insert("max_jpeg_height", maxJpegSize.height());
    }
    return o;
}

namespace {

// Reads optional typed values, recording the first problem.
struct Reader {
    const QJsonObject& obj;
    QString error;

    void fail(const QString& key, const QString& what)
    {
        if (error.isEmpty())
            error = QStringLiteral("camera setting \"%1\": %2").arg(key, what);
    }
    void str(const char* key, QString& out)
    {
        const QJsonValue v = obj.value(QLatin1String(key));
        if (v.isUndefined() || v.isNull())
            return;
        if (!v.isString())
            return fail(key, "expected a string");
        out = v.toString();
    }
    void number(const char* key, double& out, double lo, double hi)
    {
        const QJsonValue v = obj.value(QLatin1String(key));
        if (v.isUndefined() || v.isNull())
            return;
        if (!v.isDouble())
            return fail(key, "expected a number");
        const double d = v.toDouble();
        if (d < lo || d > hi)
            return fail(key, QStringLiteral("%1 is out of range (%2..%3)").arg(d).arg(lo).arg(hi));
        out = d;
    }
    void integer(const char* key, int& out, int lo, int hi)
    {
        double d = out;
        number(key, d, lo, hi);
        out = int(d);
    }
    void boolean(const char* key, bool& out)
    {
        const QJsonValue v = obj.value(QLatin1String(key));
        if (v.isUndefined() || v.isNull())
            return;
        if (!v.isBool())
            return fail(key, "expected true or false");
        out = v.toBool();
    }
};

} // namespace

CameraConfig CameraConfig::fromJson(const QJsonObject& obj, QString* error)
{
    CameraConfig c;
    Reader r{obj, {}};
    r.str("id", c.id);
    r.str("name", c.name);
    QString url;
    r.str("url", url);
    c.url = QUrl(url);
    r.str("user", c.user);
    r.str("password", c.password);
    r.integer("skip_frames", c.skipFrames, 1, 1000);
    r.number("fps", c.maxFps, 0, 1000);
    r.boolean("detection", c.detectionEnabled);
    r.str("model", c.detector.modelPath);
    r.str("class_names", c.detector.classNamesPath);
    double conf = c.detector.confThreshold, nms = c.detector.nmsThreshold;
    r.number("confidence", conf, 0, 1);
    r.number("nms", nms, 0, 1);
    c.detector.confThreshold = float(conf);
    c.detector.nmsThreshold = float(nms);
    const QJsonValue classes = obj.value("classes");
    if (classes.isArray()) {
        for (const QJsonValue& v : classes.toArray())
            if (v.isString() && !v.toString().trimmed().isEmpty())
                c.detector.classFilter << v.toString().trimmed();
    } else if (!classes.isUndefined() && !classes.isNull()) {
        r.fail("classes", "expected a list of class names");
    }
    r.integer("jpeg_quality", c.jpegQuality, 1, 100);
    r.boolean("accept_self_signed_tls", c.acceptSelfSignedTls);
    r.integer("connect_timeout_ms", c.connectTimeoutMs, 100, 600000);
    r.integer("stall_timeout_ms", c.stallTimeoutMs, 100, 600000);
    r.integer("backoff_initial_ms", c.backoffInitialMs, 10, 600000);
    r.integer("backoff_max_ms", c.backoffMaxMs, 10, 3600000);
    int maxW = -1, maxH = -1;
    r.integer("max_jpeg_width", maxW, 16, 65500);
    r.integer("max_jpeg_height", maxH, 16, 65500);
    if (maxW > 0 || maxH > 0)
        c.maxJpegSize = QSize(maxW > 0 ? maxW : c.captureLimits.maxJpegSize.width(),
                              maxH > 0 ? maxH : c.captureLimits.maxJpegSize.height());
    if (r.error.isEmpty() && c.id.isEmpty())
        r.fail("id", "missing");
    if (r.error.isEmpty()) {
        const QString urlError = validateUrl(c.url);
        if (!urlError.isEmpty())
            r.fail("url", urlError);
    }
    if (error)
        *error = r.error;
    return c;
}

QString CameraConfig::validateUrl(const QUrl& url)
{
    if (url.isEmpty())
        return QStringLiteral("the URL is empty");
    if (!url.isValid())
        return QStringLiteral("the URL is not valid: %1").arg(url.errorString());
    const QString scheme = url.scheme().toLower();
    if (scheme != "http" && scheme != "https")
        return QStringLiteral("the URL must start with http:// or https:// (got \"%1\")")
            .arg(scheme.isEmpty() ? redactedUrlString(url) : scheme + "://");
    if (url.host().isEmpty())
        return QStringLiteral("the URL has no host name");
    return {};
}

} // namespace vigil
