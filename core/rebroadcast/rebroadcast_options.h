#pragma once
#include <QHostAddress>
#include <QString>

#include "config/limits.h"

namespace vigil {

struct RebroadcastOptions {
    QHostAddress address = QHostAddress::LocalHost;  // 127.0.0.1 unless the user chooses another
    quint16 port = 0;                                 // 0: pick a free port
    QString token;                                    // empty: no token required
    qint64 maxClientBacklogBytes = 1 << 20;          // unsent bytes above which frames are replaced
    ServerLimits limits;                              // what one client may make the server hold
};

} // namespace vigil
