#pragma once
// The request line and headers of one HTTP/1.x request, parsed from raw bytes before Qt's HTTP
// server sees them (Qt 6.4 buffers a whole body first, and leaves a connection hanging on input
// its parser rejects). Pure: no sockets, so the fuzzer drives it directly.
#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QPair>

namespace vigil {

struct RequestHead {
    QByteArray method;                             // "GET"
    QByteArray target;                             // "/ws/cam1?token=..." as sent
    QByteArray version;                            // "HTTP/1.1"
    QList<QPair<QByteArray, QByteArray>> headers;  // names lower-cased, values trimmed
    qsizetype headBytes = 0;                       // through the blank line that ends the head

    // The first value of a header (name in lower case), or a null QByteArray.
    QByteArray value(QByteArrayView lowerName) const;
    int count(QByteArrayView lowerName) const;
    QByteArray path() const;                       // target without the query
};

struct HeadParse {
    enum State { Incomplete, Complete, Invalid };
    State state = Incomplete;
    int status = 0;        // Invalid: the HTTP status to answer (400, 431, 501, 505)
    QByteArray error;      // Invalid: why, for the response body and the log
    RequestHead head;      // Complete
};

// Parses the head at the start of `bytes` (leading empty lines are skipped). Incomplete while no
// blank line has arrived within maxHeadBytes; Invalid (431) beyond that. Strict where Qt's parser
// is strict (methods, header names, control characters), so that what passes is what Qt handles.
HeadParse parseRequestHead(QByteArrayView bytes, int maxHeadBytes);

} // namespace vigil
