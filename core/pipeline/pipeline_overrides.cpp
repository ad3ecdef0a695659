#include "pipeline/pipeline_overrides.h"

namespace vigil {

CameraConfig applyOverrides(CameraConfig c, const PipelineOverrides& o)
{
    if (o.skipFrames > 0)
        c.skipFrames = o.skipFrames;
    if (o.maxFps > 0)
        c.maxFps = o.maxFps;
    if (!o.detection)
        c.detectionEnabled = false;
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

} // namespace vigil
