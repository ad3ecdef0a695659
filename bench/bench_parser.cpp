// Parser throughput on an in-memory ESP32-CameraWebServer-format stream (Content-Length path)
// and on the same frames without Content-Length (delimiter scan path).
#include <QByteArray>
#include <QElapsedTimer>
#include <QList>

#include <cstdio>
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

} // namespace

int main()
{
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
    return 0;
}
