// Parser throughput on an in-memory ESP32-CameraWebServer-format stream (Content-Length path),
// on the same frames without Content-Length (delimiter scan path), and on the hostile inputs of
// issue 15 (target: >= 100 MB/s on each, memory held bounded by the limits).
//   bench_parser [--hostile-mb N]   (default 64 MB per hostile input)
#include <QByteArray>
#include <QElapsedTimer>
#include <QList>

#include <cstdio>
#include <cstring>
#include <functional>
#include <opencv2/core.hpp>

#include "processing/jpeg_codec.h"
#include "capture/mjpeg_parser.h"

using namespace vigil;

namespace {

const QByteArray kBoundary = "123456789000000000000987654321";

// ~30 KB JPEGs: noise encoded at a quality that lands near the target size.
QList<QByteArray> makeFrames(int count)
{
    JpegEncoder enc;
    QList<QByteArray> frames;
    cv::RNG rng(42);
    for (int v = 0; v < 8; ++v) {
        cv::Mat img(240, 320, CV_8UC3);
        rng.fill(img, cv::RNG::UNIFORM, 0, 256);
        frames.append(enc.encodeBgr(img, 42 + v));
    }
    QList<QByteArray> out;
    for (int i = 0; i < count; ++i)
        out.append(frames[i % frames.size()]);
    return out;
}

QByteArray buildStream(const QList<QByteArray>& frames, bool withLength)
{
    QByteArray s;
    int i = 0;
    for (const QByteArray& j : frames) {
        s += "\r\n--" + kBoundary + "\r\nContent-Type: image/jpeg\r\n";
        if (withLength)
            s += "Content-Length: " + QByteArray::number(j.size()) + "\r\n";
        s += "X-Timestamp: " + QByteArray::number(1000 + i++) + ".123456\r\n\r\n";
        s += j;
    }
    s += "\r\n--" + kBoundary + "\r\n";
    return s;
}

void run(const char* name, const QByteArray& stream, int frames, qsizetype slice, int rounds)
{
    MjpegParser parser;
    parser.setContentType("multipart/x-mixed-replace;boundary=" + kBoundary);
    quint64 parts = 0, bytes = 0;
    parser.setPartCallback([&](MjpegPart&& p) {
        ++parts;
        bytes += quint64(p.body.size());
    });
    double bestMs = 1e9;
    for (int r = 0; r < rounds; ++r) {
        parser.reset();
        QElapsedTimer t;
        t.start();
        for (qsizetype i = 0; i < stream.size(); i += slice)
            parser.feed(stream.constData() + i, std::min(slice, stream.size() - i));
        bestMs = std::min(bestMs, t.nsecsElapsed() / 1e6);
    }
    const double mbps = stream.size() / 1e6 / (bestMs / 1e3);
    std::printf("%-28s slice %6lld B: %8.1f MB/s  %9.0f frames/s  (%.2f ms per pass, %d frames, parts %llu, garbage %llu)\n",
                name, (long long)slice, mbps, frames / (bestMs / 1e3), bestMs, frames,
                (unsigned long long)(parts / rounds), (unsigned long long)parser.stats().garbageBytes);
    if (parts != quint64(frames) * rounds)
        std::printf("  ERROR: expected %d parts per pass\n", frames);
}

struct Hostile {
    const char* name;
    QByteArray contentType;
    QByteArray prefix;
    QByteArray unit; // repeated after the prefix
};

QList<Hostile> hostileInputs(const QByteArray& jpeg)
{
    const QByteArray mp = "multipart/x-mixed-replace;boundary=";
    QByteArray nested("\xFF\xD8", 2); // SOI + 40 000 x (APP0 of length 4 holding another SOI)
    for (int i = 0; i < 40000; ++i)
        nested += QByteArray("\xFF\xE0\x00\x04\xFF\xD8", 6);
    const QByteArray cut = jpeg.left(300); // ends inside a header segment: the next JPEG is re-walked
    return {
        {"8000-byte boundary, a forever", mp + QByteArray(8000, 'a'), {}, QByteArray(4096, 'a')},
        {"256-byte boundary, a forever", mp + QByteArray(256, 'a'), {}, QByteArray(4096, 'a')},
        {"boundary of dashes, dashes", mp + QByteArray(200, '-'), {}, QByteArray(4096, '-')},
        {"delimiter lookalikes", mp + "ab", {}, "--ab--a--abX\r\n--ab "},
        {"part headers never end", mp + "b", "--b\r\nContent-Type: image/jpeg\r\n", "X-Pad: 0123456789abcdef\r\n"},
        {"Content-Length 999..9, endless", mp + "b", "--b\r\nContent-Length: 99999999999999999999\r\n\r\n",
         QByteArray(4096, char(0x11))},
        {"endless part, no length", mp + "b", "--b\r\n\r\n", QByteArray(4096, char(0x2D ^ 0x7F))},
        {"junk, no delimiter", mp + "b", {}, "-b-bb--a--b-x "},
        {"bare: nested SOI in APP0", "image/jpeg", {}, nested},
        {"bare: SOIs forever", "image/jpeg", {}, QByteArray("\xFF\xD8\xFF\xD8", 4)},
        {"bare: cut JPEG + JPEG", "image/jpeg", {}, cut + jpeg},
    };
}

// Feeds prefix + unit... (total ~mb MB) in 64 KiB slices; prints MB/s and the most held.
double runHostile(const Hostile& h, int mb)
{
    QByteArray chunk;
    while (chunk.size() < 64 * 1024)
        chunk += h.unit;
    const int rounds = std::max(1, int(qint64(mb) * 1000 * 1000 / chunk.size()));
    MjpegParser parser;
    parser.setContentType(h.contentType);
    quint64 parts = 0;
    qsizetype held = 0;
    MjpegPart part;
    QElapsedTimer t;
    t.start();
    parser.feed(h.prefix);
    while (parser.next(&part))
        ++parts;
    for (int r = 0; r < rounds; ++r) {
        parser.feed(chunk);
        while (parser.next(&part))
            ++parts;
        held = std::max(held, parser.bufferedBytes());
    }
    const double secs = t.nsecsElapsed() / 1e9;
    const double bytes = double(h.prefix.size()) + double(chunk.size()) * rounds;
    const double mbps = bytes / 1e6 / secs;
    QString reason;
    if (auto problem = parser.takeProblem())
        reason = problem->reason;
    std::printf("  %-32s %8.1f MB/s  held %7.1f KiB  parts %llu  %s\n", h.name, mbps, held / 1024.0,
                (unsigned long long)parts, qPrintable(reason));
    return mbps;
}

} // namespace

int main(int argc, char** argv)
{
    int hostileMb = 64;
    const char* only = nullptr; // --only NAME: just that hostile input (for profiling)
    for (int i = 1; i + 1 < argc; ++i) {
        if (std::strcmp(argv[i], "--hostile-mb") == 0)
            hostileMb = std::atoi(argv[i + 1]);
        if (std::strcmp(argv[i], "--only") == 0)
            only = argv[i + 1];
    }
    if (only) {
        for (const Hostile& h : hostileInputs(makeFrames(1)[0]))
            if (std::strstr(h.name, only))
                runHostile(h, hostileMb);
        return 0;
    }

    const int count = 2000;
    const QList<QByteArray> frames = makeFrames(count);
    qint64 total = 0;
    for (const auto& f : frames)
        total += f.size();
    std::printf("%d frames, average %.1f KB\n", count, total / 1024.0 / count);

    const QByteArray esp = buildStream(frames, true);
    const QByteArray noLen = buildStream(frames, false);
    std::printf("stream: %.1f MB\n", esp.size() / 1e6);
    for (qsizetype slice : {qsizetype(16 * 1024), qsizetype(1460), qsizetype(64 * 1024)})
        run("ESP32 (Content-Length)", esp, count, slice, 7);
    for (qsizetype slice : {qsizetype(16 * 1024), qsizetype(1460)})
        run("no Content-Length (scan)", noLen, count, slice, 5);

    std::printf("hostile inputs (issue 15), %d MB each, default limits, 64 KiB slices:\n", hostileMb);
    double worst = 1e12;
    for (const Hostile& h : hostileInputs(frames[0]))
        worst = std::min(worst, runHostile(h, hostileMb));
    std::printf("hostile worst case: %.1f MB/s (target >= 100 MB/s)\n", worst);
    return 0;
}
