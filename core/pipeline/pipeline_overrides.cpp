#include "pipeline/pipeline_overrides.h"

namespace vigil {

CameraConfig applyOverrides(CameraConfig c, const PipelineOverrides& o)
{
    if (o.skipFrames > 0)
        c.skipFrames = o.skipFrames;
    if (o.maxFps > 0)
        c.maxFps = o.maxFps;
    if (o.detect)
        c.detect = *o.detect;
    if (!o.detection)
        c.detect = DetectMode::Off;
    if (o.motionThreshold > 0)
        c.motion.threshold = o.motionThreshold;
    if (o.motionMinAreaPct >= 0)
        c.motion.minAreaPct = o.motionMinAreaPct;
    if (o.heartbeatS > 0)
        c.heartbeatS = o.heartbeatS;
    if (o.detectorGiven)
        c.detector = o.detector;
    return c;
}

AppSettings applyRebroadcastOverrides(AppSettings s, const PipelineOverrides& o)
{
    if (o.wsPort >= 0) {
        s.rebroadcastEnabled = true;
        s.rebroadcastPort = o.wsPort;
    }
    if (!o.wsBind.isEmpty())
        s.rebroadcastBind = o.wsBind;
    if (!o.wsToken.isEmpty())
        s.rebroadcastToken = o.wsToken;
    return s;
}

MqttSettings applyMqttOverrides(MqttSettings s, const PipelineOverrides& o)
{
    if (!o.mqttUrl.isEmpty())
        parseMqttUrl(o.mqttUrl, &s, nullptr);
    if (!o.mqttPrefix.isEmpty())
        s.topicPrefix = o.mqttPrefix;
    return s;
}

} // namespace vigil
