#pragma once
// An in-process camera on 127.0.0.1 that misbehaves on purpose (issue 15's table and more of the
// same kind), for tst_hostile_camera and bench_hostile. Raw QTcpServer: every byte is chosen here.
// It never buffers more than kMaxBacklog per client itself, so the process RSS measures Vigil.
#include <QFile>
#include <QHostAddress>
#include <QList>
#include <QRegularExpression>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QUrl>
#include <functional>

#include "test_util.h"
#include <memory>

#include "jpeg_test_data.h"
#include "processing/jpeg_codec.h"

namespace vigil::test {

class HostileCameraServer : public QObject {
public:
    enum class Case {
        LongBoundary,        // multipart boundary of 8000 'a', then endless 'a'
        App0Bomb,            // image/jpeg: SOI, then APP0 segments of length 4 holding an SOI, forever
        EndlessPartHeaders,  // a part whose headers never end
        HugeContentLength,   // Content-Length: 99999999999999999999, then endless bytes
        EndlessHttpHeaders,  // response headers that never end
        HugeChunk,           // chunked transfer with a chunk size of 2^60, then endless bytes
        SlowHeaders,         // the response headers one byte per 100 ms
        SlowBody,            // headers at once, then the stream one byte per 100 ms
        HugeSof,             // 30 parts a second of a 1.4 KB JPEG whose SOF claims 18900x18900
    };
    static QList<Case> allCases()
    {
        return {Case::LongBoundary,       Case::App0Bomb,  Case::EndlessPartHeaders, Case::HugeContentLength,
                Case::EndlessHttpHeaders, Case::HugeChunk, Case::SlowHeaders,        Case::SlowBody,
                Case::HugeSof};
    }
    static const char* name(Case c)
    {
        switch (c) {
        case Case::LongBoundary: return "long-boundary";
        case Case::App0Bomb: return "app0-bomb";
        case Case::EndlessPartHeaders: return "endless-part-headers";
        case Case::HugeContentLength: return "huge-content-length";
        case Case::EndlessHttpHeaders: return "endless-http-headers";
        case Case::HugeChunk: return "huge-chunk";
        case Case::SlowHeaders: return "slow-headers";
        case Case::SlowBody: return "slow-body";
        case Case::HugeSof: return "huge-sof";
        }
        return "?";
    }

    // What the hostile camera's reason must say.
    static QRegularExpression expectedReason(Case c)
    {
        switch (c) {
        case Case::LongBoundary: return QRegularExpression("boundary");
        case Case::App0Bomb: return QRegularExpression("no complete frame|part|JPEG");
        // The header violation is followed within milliseconds by "no part found in 8 MiB" (the
        // parser skips on looking for a part): both name the problem, and a poll may see either.
        case Case::EndlessPartHeaders: return QRegularExpression("header|no part found");
        case Case::HugeContentLength: return QRegularExpression("Content-Length|part|exceed");
        case Case::EndlessHttpHeaders: return QRegularExpression("no answer|header");
        case Case::HugeChunk: return QRegularExpression("part|exceed|no complete frame|no data|no answer");
        case Case::SlowHeaders: return QRegularExpression("no answer from 127.0.0.1:\\d+ within 2 s");
        case Case::SlowBody: return QRegularExpression("data arrives but no complete frame for 2 s");
        case Case::HugeSof: return QRegularExpression("JPEG claims 18900x18900, above the 8192x8192 limit");
        }
        return {};
    }

    static constexpr qint64 kMaxBacklog = 256 * 1024;

    explicit HostileCameraServer(Case c, QObject* parent = nullptr) : QObject(parent), m_case(c)
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket* s = m_server.nextPendingConnection())
                serve(s);
        });
    }
    bool listen() { return m_server.listen(QHostAddress::LocalHost); }
    QUrl url() const { return QUrl(QStringLiteral("http://127.0.0.1:%1/stream").arg(m_server.serverPort())); }
    int connections() const { return m_connections; }
    qint64 bytesSent() const { return m_sent; }

private:
    struct Script {
        QByteArray head;                    // sent first, as fast as the socket takes it
        std::function<QByteArray()> next;   // then this, forever
        bool slow = false;                  // one byte of head+stream per 100 ms
        int intervalMs = 0;                 // > 0: one next() per interval instead
    };

    Script scriptFor(Case c) const
    {
        const QByteArray ok = "HTTP/1.1 200 OK\r\n";
        const QByteArray block(64 * 1024, 'a');
        QByteArray stream = "--frame\r\nContent-Type: image/jpeg\r\nContent-Length: 4\r\n\r\n\xFF\xD8\xFF\xD9\r\n";
        switch (c) {
        case Case::LongBoundary:
            return {ok + "Content-Type: multipart/x-mixed-replace; boundary=" + QByteArray(8000, 'a') + "\r\n\r\n",
                    [block] { return block; }};
        case Case::App0Bomb: {
            QByteArray app0s;
            for (int i = 0; i < 8 * 1024; ++i)
                app0s += QByteArray("\xFF\xE0\x00\x04\xFF\xD8", 6);
            return {ok + "Content-Type: image/jpeg\r\n\r\n\xFF\xD8", [app0s] { return app0s; }};
        }
        case Case::EndlessPartHeaders: {
            QByteArray pad;
            while (pad.size() < 64 * 1024)
                pad += "X-Pad: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n";
            return {ok + "Content-Type: multipart/x-mixed-replace; boundary=frame\r\n\r\n"
                         "--frame\r\nContent-Type: image/jpeg\r\n",
                    [pad] { return pad; }};
        }
        case Case::HugeContentLength:
            return {ok + "Content-Type: multipart/x-mixed-replace; boundary=frame\r\n\r\n"
                         "--frame\r\nContent-Type: image/jpeg\r\nContent-Length: 99999999999999999999\r\n\r\n\xFF\xD8",
                    [block] { return block; }};
        case Case::EndlessHttpHeaders: {
            QByteArray pad;
            while (pad.size() < 64 * 1024)
                pad += "X-Pad: bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\r\n";
            return {ok, [pad] { return pad; }};
        }
        case Case::HugeChunk:
            return {ok + "Content-Type: multipart/x-mixed-replace; boundary=frame\r\n"
                         "Transfer-Encoding: chunked\r\n\r\n1000000000000000\r\n--frame\r\n",
                    [block] { return block; }};
        case Case::SlowHeaders:
            return {ok + "Content-Type: multipart/x-mixed-replace; boundary=frame\r\n\r\n", [stream] { return stream; },
                    true};
        case Case::SlowBody:
            return {{}, [stream] { return stream; }, true};
        case Case::HugeSof: {
            cv::Mat picture(96, 128, CV_8UC3);
            cv::randu(picture, 0, 255);  // noise: a JPEG of about the size of the issue's
            JpegEncoder encoder;
            const QByteArray jpeg = withClaimedSize(encoder.encodeBgr(picture, 2), 18900, 18900);
            const QByteArray part = "--frame\r\nContent-Type: image/jpeg\r\nContent-Length: "
                                    + QByteArray::number(jpeg.size()) + "\r\n\r\n" + jpeg + "\r\n";
            Script s{ok + "Content-Type: multipart/x-mixed-replace; boundary=frame\r\n\r\n", [part] { return part; }};
            s.intervalMs = 33;
            return s;
        }
        }
        return {};
    }

    void serve(QTcpSocket* socket)
    {
        ++m_connections;
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        // Answer once the request head is in (its size is bounded: drop a client that rambles).
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] {
            if (socket->property("answered").toBool()) {
                socket->readAll();
                return;
            }
            QByteArray request = socket->property("request").toByteArray() + socket->readAll();
            if (request.size() > 64 * 1024) {
                socket->abort();
                return;
            }
            socket->setProperty("request", request);
            if (!request.contains("\r\n\r\n"))
                return;
            socket->setProperty("answered", true);
            start(socket);
        });
    }

    void start(QTcpSocket* socket)
    {
        Script script = scriptFor(m_case);
        if (m_case == Case::SlowBody) {
            const QByteArray head = "HTTP/1.1 200 OK\r\nContent-Type: multipart/x-mixed-replace; boundary=frame\r\n\r\n";
            socket->write(head);
            m_sent += head.size();
        }
        auto* timer = new QTimer(socket);
        auto pending = std::make_shared<QByteArray>(script.head);
        const bool slow = script.slow;
        const int intervalMs = script.intervalMs;
        auto next = script.next;
        QPointer<QTcpSocket> guard(socket);
        auto pump = [this, guard, pending, next, slow, intervalMs] {
            if (!guard || guard->state() != QAbstractSocket::ConnectedState)
                return;
            if (intervalMs > 0) {
                const QByteArray data = *pending + next();
                pending->clear();
                if (guard->bytesToWrite() < kMaxBacklog)
                    m_sent += guard->write(data);
                return;
            }
            if (slow) {
                if (pending->isEmpty())
                    *pending = next();
                guard->write(pending->left(1));
                pending->remove(0, 1);
                ++m_sent;
                return;
            }
            qint64 budget = 4 * 1024 * 1024;  // per call: keeps this thread's event loop responsive
            while (guard->bytesToWrite() < kMaxBacklog && budget > 0) {
                if (pending->isEmpty())
                    *pending = next();
                const qint64 n = guard->write(*pending);
                if (n <= 0)
                    return;
                pending->remove(0, n);
                m_sent += n;
                budget -= n;
            }
        };
        if (!slow && intervalMs == 0)
            connect(socket, &QTcpSocket::bytesWritten, this, pump);
        connect(timer, &QTimer::timeout, this, pump);
        timer->start(intervalMs > 0 ? intervalMs : slow ? 100 : 10);
        pump();
    }

    Case m_case;
    QTcpServer m_server;
    int m_connections = 0;
    qint64 m_sent = 0;
};

} // namespace vigil::test
