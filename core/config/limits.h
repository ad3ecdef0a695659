#pragma once
// Every bound on what a camera or a client may make Vigil hold or do, in one place. Saved as the
// config file's "limits" section; defaults are in the README. Input never sets a size: these do.
#include <QJsonObject>
#include <QSize>
#include <QStringList>

namespace vigil {

// What one camera's stream may make the reader and decoder hold.
struct CaptureLimits {
    int maxBoundaryBytes = 256;                // multipart boundary (RFC 2046 allows 70)
    int maxPartHeaderBytes = 16 * 1024;        // one part's header block
    qint64 maxPartBytes = 8 * 1024 * 1024;     // one JPEG part
    qint64 readBufferBytes = 1024 * 1024;      // socket read buffer: the kernel pushes back beyond it
    QSize maxJpegSize{8192, 8192};             // checked from the JPEG header before any allocation
    bool operator==(const CaptureLimits&) const = default;
};

// What one HTTP/WebSocket client may make the rebroadcast server hold.
struct ServerLimits {
    int maxRequestHeaderBytes = 16 * 1024;     // request line + headers
    qint64 maxRequestBodyBytes = 64 * 1024;    // on routes that take a body; others take none
    qint64 maxWsMessageBytes = 64 * 1024;      // incoming WebSocket message (clients send little)
    int maxConnectionsPerPeer = 64;            // open connections from one address
    QStringList allowedOrigins;                // besides the viewer page's own origin
    QStringList allowedHosts;                  // Host names besides IP literals and localhost
    bool operator==(const ServerLimits&) const = default;
};

struct Limits {
    CaptureLimits capture;
    ServerLimits server;

    QJsonObject toJson() const;
    // Reads what it can: every bad key is named in *errors ("limits.<key>: ...") and left at its
    // default.
    static Limits fromJson(const QJsonObject& obj, QStringList* errors);
    bool operator==(const Limits&) const = default;
};

} // namespace vigil
