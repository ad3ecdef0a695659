#include "remote/remote_api.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>
#include <cmath>

#include "common/redact.h"

namespace vigil {

namespace {

QString basePath(const QUrl& base)
{
    QString path = base.path();
    while (path.endsWith('/'))
        path.chop(1);
    return path;
}

QRectF boxFrom(const QJsonValue& v)
{
    const QJsonArray a = v.toArray();
    if (a.size() != 4)
        return {};
    return QRectF(a[0].toDouble(), a[1].toDouble(), a[2].toDouble(), a[3].toDouble());
}

bool finite(const QJsonValue& v) { return v.isDouble() && std::isfinite(v.toDouble()); }

} // namespace

QUrl nodeUrl(const QUrl& base, const QString& path, const QUrlQuery& query)
{
    QUrl url = base;
    url.setPath(basePath(base) + path);
    url.setQuery(query);
    url.setFragment({});
    return url;
}

QUrl nodeStreamUrl(const RemoteNodeConfig& node, const QString& remoteCameraId)
{
    QUrlQuery q;
    if (!node.token.isEmpty())
        q.addQueryItem("token", QString::fromLatin1(QUrl::toPercentEncoding(node.token)));
    return nodeUrl(node.url, QStringLiteral("/cameras/%1/stream.mjpeg").arg(remoteCameraId), q);
}

QUrl nodeEventsSocketUrl(const RemoteNodeConfig& node)
{
    QUrlQuery q;
    q.addQueryItem("frames", "0");
    if (!node.token.isEmpty())
        q.addQueryItem("token", QString::fromLatin1(QUrl::toPercentEncoding(node.token)));
    QUrl url = nodeUrl(node.url, QStringLiteral("/ws"), q);
    url.setScheme(node.url.scheme().toLower() == "https" ? "wss" : "ws");
    return url;
}

void getFromNode(QNetworkAccessManager* nam, const QUrl& url, const QString& token, qint64 maxBytes,
                 QObject* context, std::function<void(const NodeReply&)> done, int timeoutMs)
{
    QNetworkRequest request(url);
    request.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
    // The token goes to the node only: a redirect is answered as an error, never followed.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    request.setTransferTimeout(timeoutMs);
    request.setHeader(QNetworkRequest::UserAgentHeader, QStringLiteral("Vigil/" VIGIL_VERSION));
    if (!token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + token.toUtf8());
    QNetworkReply* reply = nam->get(request);
    auto tooLarge = std::make_shared<bool>(false);
    QObject::connect(reply, &QNetworkReply::downloadProgress, reply, [reply, maxBytes, tooLarge](qint64 received, qint64 total) {
        if (received > maxBytes || total > maxBytes) {
            *tooLarge = true;
            reply->abort();
        }
    });
    QObject::connect(reply, &QNetworkReply::finished, context ? context : reply,
                     [reply, tooLarge, maxBytes, done = std::move(done)] {
        reply->deleteLater();
        NodeReply r;
        r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (*tooLarge) {
            r.error = QStringLiteral("the answer is larger than %1 bytes").arg(maxBytes);
        } else if (r.status >= 300 && r.status < 400) {
            const QUrl to = reply->url().resolved(reply->header(QNetworkRequest::LocationHeader).toUrl());
            r.error = QStringLiteral("redirected (HTTP %1) to %2; not followed, the token goes to the node only")
                          .arg(r.status).arg(redactedUrlString(to.adjusted(QUrl::RemovePath | QUrl::RemoveQuery)));
        } else if (r.status == 401 || r.status == 403) {
            r.error = QStringLiteral("the node refused the token (HTTP %1)").arg(r.status);
        } else if (reply->error() != QNetworkReply::NoError) {
            r.error = r.status > 0 ? QStringLiteral("HTTP %1").arg(r.status) : redactedText(reply->errorString());
        } else {
            r.body = reply->readAll();
            if (r.body.size() > maxBytes) {
                r.body.clear();
                r.error = QStringLiteral("the answer is larger than %1 bytes").arg(maxBytes);
            }
        }
        done(r);
    });
}

bool isValidRemoteCameraId(const QString& id)
{
    if (id.isEmpty() || id.size() > 64)
        return false;
    for (QChar c : id) {
        const ushort u = c.unicode();
        if (!((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '_' || u == '-' || u == '.'))
            return false;
    }
    return true;
}

std::optional<QList<RemoteCamera>> parseRemoteCameras(const QByteArray& json, QString* error)
{
    QJsonParseError perr;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &perr);
    if (perr.error != QJsonParseError::NoError || !doc.isArray()) {
        if (error)
            *error = QStringLiteral("/api/cameras is not a JSON list (is this a Vigil node?)");
        return std::nullopt;
    }
    QList<RemoteCamera> out;
    for (const QJsonValue& v : doc.array()) {
        if (out.size() >= kMaxRemoteCamerasPerNode)
            break;
        const QJsonObject o = v.toObject();
        RemoteCamera c;
        c.id = o.value("id").toString();
        c.name = o.value("name").toString().left(100);
        if (!isValidRemoteCameraId(c.id))
            continue;
        bool duplicate = false;
        for (const RemoteCamera& seen : std::as_const(out))
            duplicate |= seen.id == c.id;
        if (!duplicate)
            out.append(c);
    }
    return out;
}

std::optional<Event> parseRemoteEvent(const QJsonObject& o)
{
    Event e;
    e.id = o.value("id").toString();
    e.camera = o.value("camera").toString();
    if (!isValidEventId(e.id) || !isValidRemoteCameraId(e.camera) || !finite(o.value("start_time")))
        return std::nullopt;
    e.cameraName = o.value("camera_name").toString().left(100);
    e.label = o.value("label").toString().left(64);
    e.startTime = o.value("start_time").toDouble();
    if (finite(o.value("end_time")))
        e.endTime = o.value("end_time").toDouble();
    e.topScore = o.value("top_score").toDouble();
    for (const QJsonValue& z : o.value("zones").toArray())
        if (e.zones.size() < 32)
            e.zones << z.toString().left(64);
    e.box = boxFrom(o.value("box"));
    e.hasSnapshot = o.value("has_snapshot").toBool();
    e.hasClip = o.value("has_clip").toBool();
    const QJsonArray track = o.value("track").toArray();
    for (const QJsonValue& v : track) {
        const QJsonObject p = v.toObject();
        if (finite(p.value("t")))
            e.track.append(EventTrackPoint{p.value("t").toDouble(), boxFrom(p.value("box")), p.value("score").toDouble()});
    }
    e.track = thinTrack(e.track);
    return e;
}

} // namespace vigil
