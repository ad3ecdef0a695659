#include "rebroadcast/client_stats.h"

namespace vigil {

QJsonObject RebroadcastClientStats::toJson() const
{
    return QJsonObject{
        {"kind", kind},
        {"path", path},
        {"peer", peer},
        {"binary", binary},
        {"frames_sent", double(framesSent)},
        {"frames_superseded", double(framesSuperseded)},
        {"backlog_bytes", double(backlogBytes)},
        {"max_backlog_bytes", double(maxBacklogBytes)},
        {"events_sent", double(eventsSent)},
        {"events_dropped", double(eventsDropped)},
    };
}

} // namespace vigil
