// libFuzzer harness for the rebroadcast server's request pre-check and routing, without sockets:
// the bytes are a client's first request head. Checks what ConnectionGate relies on: parsing is
// bounded by the limit, a Complete head lies within the input, and every verdict is a real status.
#include <QByteArray>
#include <QString>
#include <cstdint>
#include <cstdlib>

#include "rebroadcast/http_routes.h"
#include "rebroadcast/request_head.h"
#include "rebroadcast/request_policy.h"

using namespace vigil;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArrayView bytes(reinterpret_cast<const char*>(data), qsizetype(size));
    RequestPolicy policy;
    policy.limits.maxRequestHeaderBytes = 4096;
    policy.limits.allowedHosts = {"vigil.lan"};
    policy.limits.allowedOrigins = {"https://dashboard.example"};
    if (size > 0 && data[0] & 1)
        policy.token = "t0k";

    const HeadParse parsed = parseRequestHead(bytes, policy.limits.maxRequestHeaderBytes);
    switch (parsed.state) {
    case HeadParse::Incomplete:
        // Only while within the limit: beyond it, the gate must have an answer.
        if (bytes.size() > policy.limits.maxRequestHeaderBytes)
            abort();
        break;
    case HeadParse::Invalid:
        if (parsed.status < 400 || parsed.status > 599 || parsed.error.isEmpty())
            abort();
        break;
    case HeadParse::Complete: {
        const RequestHead& head = parsed.head;
        if (head.headBytes <= 0 || head.headBytes > bytes.size() || head.headBytes > policy.limits.maxRequestHeaderBytes)
            abort();
        if (!head.target.startsWith('/') || head.method.isEmpty())
            abort();
        const RequestVerdict verdict = checkRequest(head, policy);
        if (!verdict.accepted() && (verdict.status < 400 || verdict.status > 599 || verdict.kind.isEmpty()))
            abort();
        if (verdict.accepted() && !verdict.webSocket) {
            const Route route = matchRoute(QString::fromLatin1(head.path()));
            if ((route.kind == Route::Snapshot || route.kind == Route::Stream) && route.arg.isEmpty())
                abort();
        }
        break;
    }
    }
    return 0;
}
