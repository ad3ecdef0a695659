// MjpegParser: framing, boundary variants, resync, size limits, bare-JPEG mode, pull API,
// hostile inputs (bounded memory, counted and reported violations), slicing independence.
#include <QFile>
#include <QRandomGenerator>
#include <QtTest>

#include <opencv2/core.hpp>

#include "processing/jpeg_codec.h"
#include "capture/mjpeg_parser.h"
#include "capture/part_timestamp.h"
#include "test_util.h"

using namespace vigil;

namespace {

const QByteArray kEspBoundary = "123456789000000000000987654321";

// A real JPEG with noisy content (so the entropy data contains FF 00 stuffing).
QByteArray makeJpeg(int w, int h, int seed, int quality = 80)
{
    cv::Mat img(h, w, CV_8UC3);
    cv::RNG rng(quint64(seed) + 1);
    rng.fill(img, cv::RNG::UNIFORM, 0, 256);
    JpegEncoder enc;
    return enc.encodeBgr(img, quality);
}

QList<QByteArray> sampleJpegs()
{
    return {makeJpeg(32, 24, 1), makeJpeg(48, 16, 2), makeJpeg(16, 16, 3)};
}

// Byte-for-byte what the ESP32 CameraWebServer sends (after HTTP de-chunking).
QByteArray esp32Stream(const QList<QByteArray>& jpegs)
{
    QByteArray s;
    int i = 0;
    for (const QByteArray& j : jpegs) {
        s += "\r\n--" + kEspBoundary + "\r\n";
        s += QByteArray("Content-Type: image/jpeg\r\nContent-Length: ") + QByteArray::number(j.size())
            + "\r\nX-Timestamp: " + QByteArray::number(1000 + i) + "." + QByteArray("000123") + "\r\n\r\n";
        s += j;
        ++i;
    }
    return s;
}

// ffmpeg -f mpjpeg output.
QByteArray ffmpegStream(const QList<QByteArray>& jpegs)
{
    QByteArray s;
    for (const QByteArray& j : jpegs)
        s += "--ffmpeg\r\nContent-type: image/jpeg\r\nContent-length: " + QByteArray::number(j.size())
            + "\r\n\r\n" + j + "\r\n";
    return s;
}

// Parts without Content-Length.
QByteArray noLengthStream(const QList<QByteArray>& jpegs, const QByteArray& wireDelimiter,
                          const char* eol = "\r\n")
{
    QByteArray s;
    for (const QByteArray& j : jpegs)
        s += wireDelimiter + eol + "Content-Type: image/jpeg" + eol + eol + j + eol;
    s += wireDelimiter + "--" + eol;
    return s;
}

struct Collector {
    QList<MjpegPart> parts;
    MjpegParser::PartCallback cb()
    {
        return [this](MjpegPart&& p) { parts.append(std::move(p)); };
    }
    QList<QByteArray> bodies() const
    {
        QList<QByteArray> b;
        for (const auto& p : parts)
            b.append(p.body);
        return b;
    }
};

QByteArray headerOf(const MjpegPart& p, const QByteArray& name)
{
    for (const auto& h : p.headers)
        if (h.first.compare(name, Qt::CaseInsensitive) == 0)
            return h.second;
    return {};
}

// Parses `stream` fed as given slices; returns the bodies.
QList<QByteArray> parseSlices(MjpegParser& parser, const QByteArray& stream, qsizetype slice)
{
    Collector c;
    parser.setPartCallback(c.cb());
    for (qsizetype i = 0; i < stream.size(); i += slice)
        parser.feed(stream.constData() + i, std::min(slice, stream.size() - i));
    parser.setPartCallback({});
    return c.bodies();
}

// Inserts an APP1 "Exif" segment holding a complete small JPEG right after SOI.
QByteArray withExifThumbnail(const QByteArray& jpeg, const QByteArray& thumb)
{
    QByteArray payload = QByteArray("Exif\0\0", 6) + thumb;
    const int len = int(payload.size()) + 2;
    QByteArray seg;
    seg += char(0xFF);
    seg += char(0xE1);
    seg += char((len >> 8) & 0xFF);
    seg += char(len & 0xFF);
    seg += payload;
    return jpeg.left(2) + seg + jpeg.mid(2);
}

// Everything a parse produced, to compare two runs.
struct Outcome {
    QList<QByteArray> bodies;
    QList<PartHeaders> headers;
    MjpegParserStats stats;
};

// Feeds `stream` in slices of the given sizes (cycled), draining with next() after each.
Outcome parsePull(const QByteArray& contentType, const CaptureLimits& limits, const QByteArray& stream,
                  const QList<qsizetype>& slices)
{
    MjpegParser p;
    p.setLimits(limits);
    p.setContentType(contentType);
    Outcome o;
    MjpegPart part;
    qsizetype at = 0;
    for (int i = 0; at < stream.size(); ++i) {
        const qsizetype n = std::min(slices[i % slices.size()], stream.size() - at);
        p.feed(stream.constData() + at, n);
        at += n;
        while (p.next(&part)) {
            o.bodies.append(part.body);
            o.headers.append(part.headers);
        }
    }
    o.stats = p.stats();
    return o;
}

void compareStats(const MjpegParserStats& a, const MjpegParserStats& b)
{
    QCOMPARE(a.parts, b.parts);
    QCOMPARE(a.oversizeParts, b.oversizeParts);
    QCOMPARE(a.garbageBytes, b.garbageBytes);
    QCOMPARE(a.resyncs, b.resyncs);
    QCOMPARE(a.boundaryTooLong, b.boundaryTooLong);
    QCOMPARE(a.headersTooLarge, b.headersTooLarge);
    QCOMPARE(a.badContentLength, b.badContentLength);
    QCOMPARE(a.noPartFound, b.noPartFound);
}

QByteArray clPart(const QByteArray& boundary, const QByteArray& jpeg)
{
    return "\r\n--" + boundary + "\r\nContent-Type: image/jpeg\r\nContent-Length: "
        + QByteArray::number(jpeg.size()) + "\r\n\r\n" + jpeg;
}

// Limits small enough that the tests reach them quickly.
CaptureLimits smallLimits()
{
    CaptureLimits l;
    l.maxPartBytes = 256 * 1024;
    l.maxPartHeaderBytes = 16 * 1024;
    l.maxBoundaryBytes = 256;
    return l;
}

// What the parser may hold under smallLimits(), whatever the input: a part, a header block (and
// its line), the bare-JPEG re-walk window, and allocation slack.
constexpr qsizetype kHeldBound = 256 * 1024 + 3 * 16 * 1024 + 128 * 1024 + 64 * 1024;

} // namespace

class TestMjpegParser : public QObject {
    Q_OBJECT
private slots:
    void boundaryFromContentType_data();
    void boundaryFromContentType();
    void noBoundarySwitchesToBareMode();
    void boundaryVariantsParse_data();
    void boundaryVariantsParse();
    void esp32Format();
    void ffmpegMpjpeg();
    void splitAtEveryPosition_data();
    void splitAtEveryPosition();
    void garbageBeforeAndBetweenParts();
    void garbageWithoutContentLength();
    void closeDelimiterKeepsSeeking();
    void oversizeWithContentLength();
    void oversizeWithoutContentLength();
    void oversizeBareJpeg();
    void hugeHeaderBlockResyncs();
    void truncatedPartResyncsOnDelimiter();
    void missingContentLength();
    void bareJpegConcatenated();
    void bareJpegExifThumbnail();
    void bareJpegRealPhoto();
    void bareJpegResyncAfterTruncated();
    void resetForgetsPartialPart();
    void largeStreamInSlices();
    void pullApi();
    void feedBeforeDrainingKeepsBytes();
    void destroyedInCallback();
    void limitsApply();
    void hostileInput_data();
    void hostileInput();
    void longBoundaryRefused();
    void problemTakenOnce();
    void randomSlicingGivesIdenticalParts_data();
    void randomSlicingGivesIdenticalParts();
    void timestamp_data();
    void timestamp();
};

void TestMjpegParser::boundaryFromContentType_data()
{
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("esp32") << QByteArray("multipart/x-mixed-replace;boundary=" + kEspBoundary) << kEspBoundary;
    QTest::newRow("bare") << QByteArray("multipart/x-mixed-replace; boundary=abc") << QByteArray("abc");
    QTest::newRow("quoted") << QByteArray("multipart/x-mixed-replace; boundary=\"abc\"") << QByteArray("abc");
    QTest::newRow("dashes") << QByteArray("multipart/x-mixed-replace;boundary=--abc") << QByteArray("abc");
    QTest::newRow("quoted dashes") << QByteArray("multipart/x-mixed-replace; boundary=\"--abc\"") << QByteArray("abc");
    QTest::newRow("upper name") << QByteArray("multipart/x-mixed-replace; BOUNDARY=Abc") << QByteArray("Abc");
    QTest::newRow("extra params") << QByteArray("multipart/x-mixed-replace; charset=x; boundary=abc; foo=bar")
                                  << QByteArray("abc");
    QTest::newRow("quoted with ;") << QByteArray("multipart/x-mixed-replace; boundary=\"a;b c\"; x=1")
                                   << QByteArray("a;b c");
    QTest::newRow("spaces around =") << QByteArray("multipart/x-mixed-replace; boundary = abc") << QByteArray("abc");
    QTest::newRow("ffmpeg") << QByteArray("multipart/x-mixed-replace;boundary=ffmpeg") << QByteArray("ffmpeg");
    QTest::newRow("none") << QByteArray("image/jpeg") << QByteArray();
    QTest::newRow("not a param") << QByteArray("multipart/x-mixed-replace; xboundary=abc") << QByteArray();
    QTest::newRow("empty") << QByteArray() << QByteArray();
}

void TestMjpegParser::boundaryFromContentType()
{
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, expected);
    QCOMPARE(MjpegParser::boundaryFromContentType(contentType), expected);
    MjpegParser p;
    QCOMPARE(p.setContentType(contentType), !expected.isEmpty());
    QCOMPARE(p.boundary(), expected);
    QCOMPARE(p.isBareJpegMode(), expected.isEmpty());
}

void TestMjpegParser::noBoundarySwitchesToBareMode()
{
    MjpegParser p;
    QVERIFY(p.setContentType("multipart/x-mixed-replace; boundary=abc"));
    QVERIFY(!p.isBareJpegMode());
    QVERIFY(!p.setContentType("image/jpeg"));
    QVERIFY(p.isBareJpegMode());
    QVERIFY(p.boundary().isEmpty());
    p.setBoundary("\"--xyz\"");
    QCOMPARE(p.boundary(), QByteArray("xyz"));
    QVERIFY(!p.isBareJpegMode());
    p.setBareJpegMode();
    QVERIFY(p.isBareJpegMode());
}

void TestMjpegParser::boundaryVariantsParse_data()
{
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("wireDelimiter");
    QTest::addColumn<QByteArray>("eol");
    QTest::addColumn<bool>("withLength");
    const QByteArray crlf = "\r\n", lf = "\n";
    for (bool len : {true, false}) {
        const char* tag = len ? "len" : "nolen";
        QTest::addRow("bare %s", tag) << QByteArray("multipart/x-mixed-replace; boundary=myb") << QByteArray("--myb") << crlf << len;
        QTest::addRow("quoted %s", tag) << QByteArray("multipart/x-mixed-replace; boundary=\"myb\"") << QByteArray("--myb") << crlf << len;
        // servers that declare "--myb" and send "--myb" (not RFC, common)
        QTest::addRow("declared dashes, sent as declared %s", tag)
            << QByteArray("multipart/x-mixed-replace;boundary=--myb") << QByteArray("--myb") << crlf << len;
        // RFC-correct: declared "--myb", delimiter "----myb"
        QTest::addRow("declared dashes, RFC wire %s", tag)
            << QByteArray("multipart/x-mixed-replace;boundary=\"--myb\"") << QByteArray("----myb") << crlf << len;
        QTest::addRow("upper-case name %s", tag) << QByteArray("multipart/x-mixed-replace; BOUNDARY=myb") << QByteArray("--myb") << crlf << len;
        QTest::addRow("extra params %s", tag)
            << QByteArray("multipart/x-mixed-replace; boundary=myb; charset=binary") << QByteArray("--myb") << crlf << len;
        QTest::addRow("LF only %s", tag) << QByteArray("multipart/x-mixed-replace; boundary=myb") << QByteArray("--myb") << lf << len;
        QTest::addRow("LF only, quoted dashes %s", tag)
            << QByteArray("multipart/x-mixed-replace; boundary=\"--myb\"") << QByteArray("--myb") << lf << len;
    }
}

void TestMjpegParser::boundaryVariantsParse()
{
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, wireDelimiter);
    QFETCH(QByteArray, eol);
    QFETCH(bool, withLength);
    const auto jpegs = sampleJpegs();
    QByteArray stream;
    for (const QByteArray& j : jpegs) {
        stream += wireDelimiter + eol + "Content-Type: image/jpeg" + eol;
        if (withLength)
            stream += "Content-Length: " + QByteArray::number(j.size()) + eol;
        stream += eol + j + eol;
    }
    stream += wireDelimiter + "--" + eol;

    MjpegParser p;
    QVERIFY(p.setContentType(contentType));
    QCOMPARE(p.boundary(), QByteArray("myb"));
    for (qsizetype slice : {qsizetype(1), qsizetype(7), stream.size()}) {
        p.reset();
        QCOMPARE(parseSlices(p, stream, slice), jpegs);
    }
    QCOMPARE(p.stats().parts, quint64(3 * jpegs.size()));
    QCOMPARE(p.stats().garbageBytes, quint64(0));
    QCOMPARE(p.stats().resyncs, quint64(0));
}

void TestMjpegParser::esp32Format()
{
    const auto jpegs = sampleJpegs();
    const QByteArray stream = esp32Stream(jpegs);
    MjpegParser p;
    QVERIFY(p.setContentType("multipart/x-mixed-replace;boundary=" + kEspBoundary));
    Collector c;
    p.setPartCallback(c.cb());
    p.feed(stream);
    QCOMPARE(c.bodies(), jpegs);
    for (int i = 0; i < c.parts.size(); ++i) {
        const MjpegPart& part = c.parts[i];
        QCOMPARE(part.headers.size(), 3);
        QCOMPARE(part.headers[0].first, QByteArray("Content-Type"));
        QCOMPARE(part.headers[0].second, QByteArray("image/jpeg"));
        QCOMPARE(headerOf(part, "content-length"), QByteArray::number(jpegs[i].size()));
        QCOMPARE(headerOf(part, "X-TIMESTAMP"), QByteArray::number(1000 + i) + ".000123");
        EncodedFrame f;
        f.headers = part.headers;
        QCOMPARE(f.header("x-timestamp"), QByteArray::number(1000 + i) + ".000123");
    }
    QCOMPARE(p.stats().parts, quint64(jpegs.size()));
    QCOMPARE(p.stats().garbageBytes, quint64(0));
    QCOMPARE(p.stats().resyncs, quint64(0));
}

void TestMjpegParser::ffmpegMpjpeg()
{
    const auto jpegs = sampleJpegs();
    const QByteArray stream = ffmpegStream(jpegs);
    MjpegParser p;
    QVERIFY(p.setContentType("multipart/x-mixed-replace;boundary=ffmpeg"));
    Collector c;
    p.setPartCallback(c.cb());
    p.feed(stream);
    QCOMPARE(c.bodies(), jpegs);
    QCOMPARE(headerOf(c.parts[0], "Content-Type"), QByteArray("image/jpeg"));
    QCOMPARE(c.parts[0].headers[1].first, QByteArray("Content-length"));
    QCOMPARE(p.stats().garbageBytes, quint64(0));
    // the same without Content-length (older muxer versions)
    QByteArray noLen = stream;
    for (const QByteArray& j : jpegs)
        noLen.replace("Content-length: " + QByteArray::number(j.size()) + "\r\n", "");
    QVERIFY(!noLen.contains("Content-length"));
    p.reset();
    c.parts.clear();
    p.feed(noLen);
    p.feed("--ffmpeg\r\n"); // the last part ends at the next delimiter
    QCOMPARE(c.bodies(), jpegs);
}

void TestMjpegParser::splitAtEveryPosition_data()
{
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("stream");
    const auto jpegs = QList<QByteArray>{makeJpeg(16, 16, 7), makeJpeg(24, 8, 8)};
    QTest::newRow("esp32") << QByteArray("multipart/x-mixed-replace;boundary=" + kEspBoundary) << esp32Stream(jpegs);
    QTest::newRow("ffmpeg") << QByteArray("multipart/x-mixed-replace;boundary=ffmpeg") << ffmpegStream(jpegs);
    QTest::newRow("no length") << QByteArray("multipart/x-mixed-replace;boundary=" + kEspBoundary)
                               << noLengthStream(jpegs, "--" + kEspBoundary);
    QTest::newRow("no length, LF, RFC dashes") << QByteArray("multipart/x-mixed-replace;boundary=\"--zz\"")
                                               << noLengthStream(jpegs, "----zz", "\n");
    const QByteArray thumb = makeJpeg(8, 8, 9);
    QTest::newRow("bare") << QByteArray("image/jpeg")
                          << ("\r\n" + jpegs[0] + "\r\n" + withExifThumbnail(jpegs[1], thumb) + jpegs[0]);
}

void TestMjpegParser::splitAtEveryPosition()
{
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, stream);
    MjpegParser ref;
    ref.setContentType(contentType);
    const QList<QByteArray> expected = parseSlices(ref, stream, stream.size());
    QVERIFY(expected.size() >= 2);
    const MjpegParserStats refStats = ref.stats();

    for (qsizetype cut = 0; cut <= stream.size(); ++cut) {
        MjpegParser p;
        p.setContentType(contentType);
        Collector c;
        p.setPartCallback(c.cb());
        p.feed(stream.constData(), cut);
        p.feed(stream.constData() + cut, stream.size() - cut);
        if (c.bodies() != expected)
            QFAIL(qPrintable(QStringLiteral("split at %1 of %2 gives %3 parts").arg(cut).arg(stream.size()).arg(c.parts.size())));
        QCOMPARE(p.stats().garbageBytes, refStats.garbageBytes);
        QCOMPARE(p.stats().resyncs, refStats.resyncs);
    }
    // byte by byte, and the headers too
    MjpegParser p;
    p.setContentType(contentType);
    Collector c;
    p.setPartCallback(c.cb());
    for (char ch : stream)
        p.feed(&ch, 1);
    QCOMPARE(c.bodies(), expected);
    MjpegParser whole;
    whole.setContentType(contentType);
    Collector w;
    whole.setPartCallback(w.cb());
    whole.feed(stream);
    for (int i = 0; i < c.parts.size(); ++i)
        QCOMPARE(c.parts[i].headers, w.parts[i].headers);
    QCOMPARE(p.stats().garbageBytes, refStats.garbageBytes);
}

void TestMjpegParser::garbageBeforeAndBetweenParts()
{
    const auto jpegs = sampleJpegs();
    const QByteArray junk1 = "HTTP junk before the first part";
    const QByteArray junk2 = QByteArray(100, 'x') + "-" + kEspBoundary.left(10); // almost a delimiter
    QByteArray stream = junk1 + esp32Stream({jpegs[0]}) + junk2 + esp32Stream({jpegs[1], jpegs[2]});
    MjpegParser p;
    p.setContentType("multipart/x-mixed-replace;boundary=" + kEspBoundary);
    for (qsizetype slice : {qsizetype(1), qsizetype(5), qsizetype(64), stream.size()}) {
        p.reset();
        const quint64 g0 = p.stats().garbageBytes, r0 = p.stats().resyncs;
        QCOMPARE(parseSlices(p, stream, slice), jpegs);
        const quint64 garbage = p.stats().garbageBytes - g0;
        // the junk is counted, plus at most the line end next to it
        QVERIFY2(garbage >= quint64(junk1.size() + junk2.size()) && garbage <= quint64(junk1.size() + junk2.size() + 4),
                 qPrintable(QString::number(garbage)));
        QCOMPARE(p.stats().resyncs - r0, quint64(2));
    }
}

void TestMjpegParser::garbageWithoutContentLength()
{
    // Junk before the first delimiter, and a delimiter-lookalike line inside the stream.
    const auto jpegs = sampleJpegs();
    QByteArray stream = "garbage!!\r\n" + noLengthStream(jpegs, "--bnd");
    MjpegParser p;
    p.setBoundary("bnd");
    QCOMPARE(parseSlices(p, stream, 3), jpegs);
    QVERIFY(p.stats().garbageBytes >= 9);
    QCOMPARE(p.stats().resyncs, quint64(1));
}

void TestMjpegParser::closeDelimiterKeepsSeeking()
{
    const auto jpegs = sampleJpegs();
    QByteArray stream = ffmpegStream({jpegs[0]}) + "--ffmpeg--\r\n" + ffmpegStream({jpegs[1]});
    MjpegParser p;
    p.setBoundary("ffmpeg");
    QCOMPARE(parseSlices(p, stream, 4), (QList<QByteArray>{jpegs[0], jpegs[1]}));
    QCOMPARE(p.stats().garbageBytes, quint64(0));
}

void TestMjpegParser::oversizeWithContentLength()
{
    const QByteArray small1 = makeJpeg(16, 16, 11), small2 = makeJpeg(16, 16, 12);
    const QByteArray big = makeJpeg(256, 256, 13, 95);
    QVERIFY(big.size() > 20000);
    MjpegParser p;
    p.setContentType("multipart/x-mixed-replace;boundary=" + kEspBoundary);
    p.setMaxPartSize(8000);
    QCOMPARE(p.maxPartSize(), qsizetype(8000));
    const QByteArray stream = esp32Stream({small1, big, small2, big, small1});
    QCOMPARE(parseSlices(p, stream, 1000), (QList<QByteArray>{small1, small2, small1}));
    QCOMPARE(p.stats().oversizeParts, quint64(2));
    QCOMPARE(p.stats().parts, quint64(3));
    QCOMPARE(p.stats().garbageBytes, quint64(0)); // skipped by length, not as junk
}

void TestMjpegParser::oversizeWithoutContentLength()
{
    const QByteArray small1 = makeJpeg(16, 16, 11), small2 = makeJpeg(16, 16, 12);
    const QByteArray big = makeJpeg(256, 256, 13, 95);
    MjpegParser p;
    p.setBoundary(kEspBoundary);
    p.setMaxPartSize(8000);
    const QByteArray stream = noLengthStream({small1, big, small2, big, small1}, "--" + kEspBoundary);
    for (qsizetype slice : {qsizetype(1), qsizetype(777), qsizetype(16384), stream.size()}) {
        p.reset();
        const quint64 o0 = p.stats().oversizeParts;
        QCOMPARE(parseSlices(p, stream, slice), (QList<QByteArray>{small1, small2, small1}));
        QCOMPARE(p.stats().oversizeParts - o0, quint64(2)); // counted once per part
    }
}

void TestMjpegParser::oversizeBareJpeg()
{
    const QByteArray small1 = makeJpeg(16, 16, 11), small2 = makeJpeg(16, 16, 12);
    const QByteArray big = makeJpeg(256, 256, 13, 95);
    MjpegParser p;
    p.setBareJpegMode();
    p.setMaxPartSize(8000);
    const QByteArray stream = small1 + big + small2 + big + small1;
    for (qsizetype slice : {qsizetype(1), qsizetype(500), stream.size()}) {
        p.reset();
        const quint64 o0 = p.stats().oversizeParts;
        QCOMPARE(parseSlices(p, stream, slice), (QList<QByteArray>{small1, small2, small1}));
        QCOMPARE(p.stats().oversizeParts - o0, quint64(2));
    }
    // An endless "JPEG" (SOI, SOS and then never EOI) is dropped and counted once, without
    // buffering it, and a real one after it is found again.
    p.reset();
    Collector c;
    p.setPartCallback(c.cb());
    const QByteArray noise(4096, char(0x11));
    p.feed(QByteArray("\xFF\xD8\xFF\xDA\x00\x02", 6));
    for (int i = 0; i < 10; ++i)
        p.feed(noise);
    QVERIFY(c.parts.isEmpty());
    QCOMPARE(p.stats().oversizeParts, quint64(7));
    p.feed(small2);
    QCOMPARE(c.bodies(), QList<QByteArray>{small2});
    QCOMPARE(p.stats().oversizeParts, quint64(7));
}

void TestMjpegParser::hugeHeaderBlockResyncs()
{
    const auto jpegs = sampleJpegs();
    QByteArray stream = esp32Stream({jpegs[0]});
    stream += "\r\n--" + kEspBoundary + "\r\nX-Junk: " + QByteArray(20000, 'a') + "\r\n\r\n";
    stream += esp32Stream({jpegs[1]});
    MjpegParser p;
    p.setBoundary(kEspBoundary);
    QCOMPARE(parseSlices(p, stream, 1024), (QList<QByteArray>{jpegs[0], jpegs[1]}));
    QCOMPARE(p.stats().resyncs, quint64(1));
    QVERIFY(p.stats().garbageBytes >= 16 * 1024);
}

void TestMjpegParser::truncatedPartResyncsOnDelimiter()
{
    // headers cut off by the next delimiter (camera restarted a frame)
    const auto jpegs = sampleJpegs();
    QByteArray stream = "\r\n--" + kEspBoundary + "\r\nContent-Type: image/jpeg\r\nContent-Len" + esp32Stream({jpegs[0], jpegs[1]});
    MjpegParser p;
    p.setBoundary(kEspBoundary);
    QCOMPARE(parseSlices(p, stream, 9), (QList<QByteArray>{jpegs[0], jpegs[1]}));
    QCOMPARE(p.stats().resyncs, quint64(1));
}

void TestMjpegParser::missingContentLength()
{
    const auto jpegs = sampleJpegs();
    const QByteArray stream = noLengthStream(jpegs, "--" + kEspBoundary);
    MjpegParser p;
    p.setContentType("multipart/x-mixed-replace; boundary=\"" + kEspBoundary + "\"");
    Collector c;
    p.setPartCallback(c.cb());
    p.feed(stream);
    QCOMPARE(c.bodies(), jpegs);
    QCOMPARE(c.parts[1].headers.size(), 1);
    QCOMPARE(p.stats().garbageBytes, quint64(0));
    // an empty body is still a part
    p.reset();
    c.parts.clear();
    p.feed("--" + kEspBoundary + "\r\nA: b\r\n\r\n\r\n--" + kEspBoundary + "\r\n");
    QCOMPARE(c.parts.size(), 1);
    QVERIFY(c.parts[0].body.isEmpty());
}

void TestMjpegParser::bareJpegConcatenated()
{
    const auto jpegs = sampleJpegs();
    const QByteArray stream = jpegs[0] + jpegs[1] + "\r\n" + jpegs[2];
    MjpegParser p;
    QVERIFY(p.isBareJpegMode()); // default without a boundary
    QVERIFY(!p.setContentType("image/jpeg"));
    for (qsizetype slice : {qsizetype(1), qsizetype(2), qsizetype(3), qsizetype(100), stream.size()}) {
        p.reset();
        Collector c;
        p.setPartCallback(c.cb());
        for (qsizetype i = 0; i < stream.size(); i += slice)
            p.feed(stream.constData() + i, std::min(slice, stream.size() - i));
        QCOMPARE(c.bodies(), jpegs);
        QVERIFY(c.parts[0].headers.isEmpty());
    }
    QCOMPARE(p.stats().garbageBytes, quint64(0));
}

void TestMjpegParser::bareJpegExifThumbnail()
{
    const QByteArray thumb = makeJpeg(16, 16, 21);
    const QByteArray main1 = withExifThumbnail(makeJpeg(64, 48, 22), thumb);
    const QByteArray main2 = withExifThumbnail(makeJpeg(40, 40, 23), thumb);
    // still a valid JPEG of the main image
    JpegDecoder dec;
    cv::Mat m;
    QString err;
    QVERIFY2(dec.decodeBgr(main1, m, {}, &err), qPrintable(err));
    QCOMPARE(m.cols, 64);
    // the nested EOI of the thumbnail must not end the frame
    QVERIFY(main1.indexOf(QByteArray("\xFF\xD9", 2)) < main1.size() - 2);

    const QByteArray stream = "junk" + main1 + main2;
    MjpegParser p;
    p.setBareJpegMode();
    QCOMPARE(parseSlices(p, stream, 13), (QList<QByteArray>{main1, main2}));
    QCOMPARE(p.stats().garbageBytes, quint64(4));
    QCOMPARE(p.stats().resyncs, quint64(1));
}

void TestMjpegParser::bareJpegRealPhoto()
{
    const QByteArray dog = test::readFile(test::testdataDir() + "/dog.jpg");
    if (dog.isEmpty())
        QSKIP("testdata/dog.jpg not available");
    MjpegParser p;
    p.setBareJpegMode();
    QCOMPARE(parseSlices(p, dog + dog, 4096), (QList<QByteArray>{dog, dog}));
    // and as multipart without Content-Length
    p.setBoundary("b");
    QCOMPARE(parseSlices(p, noLengthStream({dog, dog}, "--b"), 4096), (QList<QByteArray>{dog, dog}));
}

void TestMjpegParser::bareJpegResyncAfterTruncated()
{
    const auto jpegs = sampleJpegs();
    const QByteArray truncated = jpegs[0].left(jpegs[0].size() / 2);
    const QByteArray stream = truncated + jpegs[1] + jpegs[2];
    MjpegParser p;
    p.setBareJpegMode();
    QCOMPARE(parseSlices(p, stream, 64), (QList<QByteArray>{jpegs[1], jpegs[2]}));
    QVERIFY(p.stats().resyncs >= 1);
    QVERIFY(p.stats().garbageBytes >= quint64(truncated.size()) / 2);
}

void TestMjpegParser::resetForgetsPartialPart()
{
    const auto jpegs = sampleJpegs();
    const QByteArray stream = esp32Stream(jpegs);
    MjpegParser p;
    p.setContentType("multipart/x-mixed-replace;boundary=" + kEspBoundary);
    p.setMaxPartSize(123456);
    Collector c;
    p.setPartCallback(c.cb());
    p.feed(stream.left(stream.size() - 10)); // last part incomplete
    QCOMPARE(c.parts.size(), 2);
    p.reset();
    QCOMPARE(p.boundary(), kEspBoundary);       // settings kept
    QCOMPARE(p.maxPartSize(), qsizetype(123456));
    p.feed(stream.right(10));                   // the tail alone is junk now
    QCOMPARE(c.parts.size(), 2);
    p.feed(stream);                             // a fresh stream parses completely
    QCOMPARE(c.parts.size(), 5);
    QCOMPARE(c.parts[4].body, jpegs[2]);

    // reset() from inside the callback stops processing the current slice
    MjpegParser q;
    q.setBoundary(kEspBoundary);
    int seen = 0;
    q.setPartCallback([&](MjpegPart&&) {
        ++seen;
        q.reset();
    });
    q.feed(stream);
    QCOMPARE(seen, 1);
}

void TestMjpegParser::largeStreamInSlices()
{
    // Many frames of mixed sizes through odd slice sizes: every frame arrives intact.
    QList<QByteArray> jpegs;
    for (int i = 0; i < 40; ++i)
        jpegs.append(makeJpeg(16 + (i % 7) * 24, 16 + (i % 5) * 16, 100 + i));
    const QByteArray stream = esp32Stream(jpegs);
    MjpegParser p;
    p.setBoundary(kEspBoundary);
    for (qsizetype slice : {qsizetype(997), qsizetype(4096), qsizetype(16384)}) {
        p.reset();
        QCOMPARE(parseSlices(p, stream, slice), jpegs);
    }
    QCOMPARE(p.stats().garbageBytes, quint64(0));
}

void TestMjpegParser::pullApi()
{
    const auto jpegs = sampleJpegs();
    const QByteArray stream = esp32Stream(jpegs);
    MjpegParser p;
    p.setContentType("multipart/x-mixed-replace;boundary=" + kEspBoundary);
    MjpegPart part;
    QVERIFY(!p.next(&part)); // nothing fed
    QList<QByteArray> bodies;
    for (qsizetype at = 0; at < stream.size(); at += 100) {
        // the slice lives only until next() returns false
        const QByteArray slice = stream.mid(at, 100);
        p.feed(slice);
        while (p.next(&part)) {
            bodies.append(part.body);
            QCOMPARE(part.headers.size(), 3);
        }
    }
    QCOMPARE(bodies, jpegs);
    QCOMPARE(p.stats().parts, quint64(3));

    // reset() between next() calls forgets the rest of the slice: no generation counter needed
    p.reset();
    p.feed(stream);
    QVERIFY(p.next(&part));
    QCOMPARE(part.body, jpegs[0]);
    p.reset();
    QVERIFY(!p.next(&part));
    p.feed(stream);
    int n = 0;
    while (p.next(&part))
        ++n;
    QCOMPARE(n, 3);
}

void TestMjpegParser::feedBeforeDrainingKeepsBytes()
{
    const auto jpegs = sampleJpegs();
    const QByteArray stream = esp32Stream(jpegs);
    MjpegParser p;
    p.setBoundary(kEspBoundary);
    const qsizetype half = stream.size() / 2;
    {
        QByteArray first = stream.left(half);
        p.feed(first);
        MjpegPart part;
        QVERIFY(p.next(&part)); // one part taken, the rest of `first` not drained yet
        QCOMPARE(part.body, jpegs[0]);
        p.feed(stream.mid(half)); // copies what was left of `first`
        first.fill('x');          // the caller's bytes may go now
    }
    QList<QByteArray> rest;
    MjpegPart part;
    while (p.next(&part))
        rest.append(part.body);
    QCOMPARE(rest, jpegs.mid(1));
}

void TestMjpegParser::destroyedInCallback()
{
    const QByteArray stream = esp32Stream(sampleJpegs());
    auto* p = new MjpegParser;
    p->setBoundary(kEspBoundary);
    int seen = 0;
    p->setPartCallback([&](MjpegPart&&) {
        ++seen;
        delete p;
    });
    p->feed(stream);
    QCOMPARE(seen, 1); // and nothing touched freed memory (ASan would say)
}

void TestMjpegParser::limitsApply()
{
    MjpegParser p;
    CaptureLimits l;
    l.maxPartBytes = 5000;
    l.maxPartHeaderBytes = 300;
    l.maxBoundaryBytes = 70;
    p.setLimits(l);
    QCOMPARE(p.limits(), l);
    QCOMPARE(p.maxPartSize(), qsizetype(5000));
    p.setMaxPartSize(6000);
    QCOMPARE(p.limits().maxPartBytes, qint64(6000));
    p.setBoundary("b");
    // a 400-byte header block is too large for 300 bytes
    const QByteArray jpeg = makeJpeg(16, 16, 4);
    QByteArray stream = "--b\r\nX-Pad: " + QByteArray(400, 'p') + "\r\n\r\n" + jpeg + clPart("b", jpeg);
    QCOMPARE(parseSlices(p, stream, 7), QList<QByteArray>{jpeg});
    QCOMPARE(p.stats().headersTooLarge, quint64(1));
    const auto problem = p.takeProblem();
    QVERIFY(problem);
    QCOMPARE(problem->kind, MjpegViolation::HeadersTooLarge);
    QCOMPARE(problem->reason, QStringLiteral("not an MJPEG stream: part headers exceed 300 bytes (limits.max_part_header_bytes)"));
    QVERIFY(!problem->reconnect);
}

void TestMjpegParser::hostileInput_data()
{
    // Each: a stream that starts with `prefix` and repeats `unit` for 4 MiB, then (when the
    // parser can recover) a good part. Violations expected as "kind" counters, reason substring.
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("prefix");
    QTest::addColumn<QByteArray>("unit");
    QTest::addColumn<QList<int>>("kinds");
    QTest::addColumn<QString>("reason");
    const QByteArray mp = "multipart/x-mixed-replace;boundary=";
    using V = MjpegViolation;
    QTest::newRow("part headers never end")
        << QByteArray(mp + "b") << QByteArray("--b\r\nContent-Type: image/jpeg\r\n")
        << QByteArray("X-Pad: 0123456789abcdef\r\n") << QList<int>{int(V::HeadersTooLarge), int(V::NoPartFound)}
        << QStringLiteral("not an MJPEG stream: part headers exceed 16 KiB (limits.max_part_header_bytes)");
    QTest::newRow("one header line never ends")
        << QByteArray(mp + "b") << QByteArray("--b\r\nX-Pad: ") << QByteArray(1000, 'p')
        << QList<int>{int(V::HeadersTooLarge)} << QStringLiteral("part headers exceed 16 KiB");
    QTest::newRow("Content-Length 99999999999999999999, endless body")
        << QByteArray(mp + "b") << QByteArray("--b\r\nContent-Length: 99999999999999999999\r\n\r\n")
        << QByteArray(4096, char(0x11)) << QList<int>{int(V::BadContentLength), int(V::PartTooLarge)}
        << QStringLiteral("bad part header: Content-Length \"99999999999999999999\" is not a size");
    QTest::newRow("Content-Length above the part limit")
        << QByteArray(mp + "b") << QByteArray("--b\r\nContent-Length: 1073741824\r\n\r\n")
        << QByteArray(4096, char(0x11)) << QList<int>{int(V::PartTooLarge)}
        << QStringLiteral("a part of 1 GiB exceeds the 256 KiB limit (limits.max_part_bytes)");
    QTest::newRow("endless part without Content-Length or boundary")
        << QByteArray(mp + "b") << QByteArray("--b\r\nContent-Type: image/jpeg\r\n\r\n")
        << QByteArray(4096, char(0x11)) << QList<int>{int(V::PartTooLarge)}
        << QStringLiteral("a part exceeds the 256 KiB limit (limits.max_part_bytes)");
    QTest::newRow("junk, no delimiter ever")
        << QByteArray(mp + "b") << QByteArray() << QByteArray("-b-bb--a--b-x ") << QList<int>{int(V::NoPartFound)}
        << QStringLiteral("not an MJPEG stream: no part found in 256 KiB of data");
    // boundary-search worst cases: a long periodic boundary and its own letters
    QTest::newRow("256-byte boundary of a, a forever")
        << QByteArray(mp + QByteArray(256, 'a')) << QByteArray() << QByteArray(4096, 'a')
        << QList<int>{int(V::NoPartFound)} << QStringLiteral("no part found");
    QTest::newRow("boundary of dashes, dashes forever")
        << QByteArray(mp + QByteArray(200, '-')) << QByteArray() << QByteArray(4096, '-')
        << QList<int>{int(V::NoPartFound)} << QStringLiteral("no part found");
    QTest::newRow("delimiter lookalikes forever")
        << QByteArray(mp + "ab") << QByteArray() << QByteArray("--ab--a--abX\r\n--ab ") << QList<int>{int(V::NoPartFound)}
        << QStringLiteral("no part found");
    // bare JPEG: SOI, then APP0 segments of length 4 that each hold another SOI, without end
    QTest::newRow("bare JPEG, nested SOI in APP0 forever")
        << QByteArray("image/jpeg") << QByteArray("\xFF\xD8", 2) << QByteArray("\xFF\xE0\x00\x04\xFF\xD8", 6)
        << QList<int>{int(V::PartTooLarge)} << QStringLiteral("a part exceeds the 256 KiB limit");
    QTest::newRow("bare JPEG, SOI and entropy data forever")
        << QByteArray("image/jpeg") << QByteArray("\xFF\xD8\xFF\xDA\x00\x02", 6) << QByteArray(4096, char(0x11))
        << QList<int>{int(V::PartTooLarge)} << QStringLiteral("a part exceeds the 256 KiB limit");
    QTest::newRow("bare JPEG, SOIs forever")
        << QByteArray("image/jpeg") << QByteArray() << QByteArray("\xFF\xD8\xFF\xD8", 4)
        << QList<int>{int(V::NoPartFound)} << QStringLiteral("no part found");
}

void TestMjpegParser::hostileInput()
{
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, prefix);
    QFETCH(QByteArray, unit);
    QFETCH(QList<int>, kinds);
    QFETCH(QString, reason);
    MjpegParser p;
    p.setLimits(smallLimits());
    p.setContentType(contentType);
    const QByteArray boundary = p.boundary();
    QByteArray chunk;
    while (chunk.size() < 64 * 1024)
        chunk += unit;
    QStringList reasons;
    qsizetype held = 0;
    MjpegPart part;
    int parts = 0;
    auto feed = [&](const QByteArray& bytes) {
        p.feed(bytes);
        while (p.next(&part))
            ++parts;
        held = std::max(held, p.bufferedBytes());
        while (auto problem = p.takeProblem()) {
            QVERIFY(!problem->reconnect);
            reasons << problem->reason;
        }
    };
    feed(prefix);
    for (int i = 0; i < 64; ++i) // 4 MiB
        feed(chunk);
    QCOMPARE(parts, 0);
    QVERIFY2(held <= kHeldBound, qPrintable(QStringLiteral("held %1 bytes").arg(held)));
    for (int kind : kinds)
        QVERIFY2(p.stats().violations(MjpegViolation(kind)) >= 1, qPrintable(QString::number(kind)));
    QVERIFY2(reasons.filter(reason).size() >= 1, qPrintable(reasons.join(" | ")));
    // a good part after it is found
    const QByteArray jpeg = makeJpeg(24, 16, 31);
    feed(p.isBareJpegMode() ? jpeg : clPart(boundary, jpeg) + "\r\n--" + boundary + "\r\n");
    QCOMPARE(parts, 1);
    QVERIFY(held <= kHeldBound);
}

void TestMjpegParser::longBoundaryRefused()
{
    MjpegParser p;
    p.setLimits(smallLimits());
    // the case: an 8000-byte boundary, then a stream of its letter
    QVERIFY(p.setContentType("multipart/x-mixed-replace; boundary=" + QByteArray(8000, 'a')));
    QVERIFY(p.needsReconnect());
    QCOMPARE(p.stats().boundaryTooLong, quint64(1));
    const auto problem = p.takeProblem();
    QVERIFY(problem);
    QCOMPARE(problem->kind, MjpegViolation::BoundaryTooLong);
    QVERIFY(problem->reconnect);
    QCOMPARE(problem->reason, QStringLiteral("not an MJPEG stream: its multipart boundary is 8000 bytes long, more "
                                             "than 256 (limits.max_boundary_bytes)"));
    const QByteArray as(64 * 1024, 'a');
    MjpegPart part;
    for (int i = 0; i < 32; ++i) {
        p.feed(as);
        QVERIFY(!p.next(&part));
    }
    QCOMPARE(p.bufferedBytes(), qsizetype(0));
    p.reset();
    QVERIFY(p.needsReconnect()); // settings are kept

    // at the limit: accepted, and it parses
    const QByteArray b256(256, 'q');
    QVERIFY(p.setContentType("multipart/x-mixed-replace; boundary=" + b256));
    QVERIFY(!p.needsReconnect());
    QVERIFY(!p.takeProblem());
    const QByteArray jpeg = makeJpeg(16, 16, 5);
    QCOMPARE(parseSlices(p, clPart(b256, jpeg), 100), QList<QByteArray>{jpeg});
    // a higher limit lets the long one through
    CaptureLimits l = smallLimits();
    l.maxBoundaryBytes = 4096;
    p.setLimits(l);
    QVERIFY(p.setContentType("multipart/x-mixed-replace; boundary=" + QByteArray(3000, 'z')));
    QVERIFY(!p.needsReconnect());
    QCOMPARE(parseSlices(p, clPart(QByteArray(3000, 'z'), jpeg), 1000), QList<QByteArray>{jpeg});
}

void TestMjpegParser::problemTakenOnce()
{
    MjpegParser p;
    p.setLimits(smallLimits());
    p.setBoundary("b");
    QVERIFY(!p.takeProblem());
    const QByteArray jpeg = makeJpeg(16, 16, 6);
    p.feed("--b\r\nContent-Length: x\r\n\r\n" + jpeg + clPart("b", jpeg));
    MjpegPart part;
    QList<QByteArray> bodies;
    while (p.next(&part))
        bodies << part.body;
    QCOMPARE(bodies, (QList<QByteArray>{jpeg, jpeg})); // the bad-length part ends at the next delimiter
    const auto problem = p.takeProblem();
    QVERIFY(problem);
    QCOMPARE(problem->kind, MjpegViolation::BadContentLength);
    QCOMPARE(problem->reason, QStringLiteral("bad part header: Content-Length \"x\" is not a size"));
    QVERIFY(!p.takeProblem());
    QCOMPARE(p.stats().badContentLength, quint64(1));
}

void TestMjpegParser::randomSlicingGivesIdenticalParts_data()
{
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("stream");
    QTest::addColumn<int>("maxPart");
    QTest::addColumn<int>("maxHeader");
    const QByteArray mp = "multipart/x-mixed-replace;boundary=";
    QList<QByteArray> jpegs;
    for (int i = 0; i < 6; ++i)
        jpegs << makeJpeg(16 + 8 * i, 16 + 4 * i, 200 + i);
    const QByteArray big = makeJpeg(128, 96, 299, 95);
    const QByteArray thumbed = withExifThumbnail(jpegs[1], jpegs[2]);
    QTest::newRow("esp32 with junk") << QByteArray(mp + kEspBoundary)
                                     << ("junk" + esp32Stream(jpegs.mid(0, 3)) + "x--12" + esp32Stream(jpegs.mid(3)))
                                     << 8 * 1024 * 1024 << 16 * 1024;
    QTest::newRow("no length, truncated headers, lookalikes")
        << QByteArray(mp + "\"--zz\"")
        << ("----zz\r\nContent-Ty" + noLengthStream(jpegs.mid(0, 2), "----zz") + "----zzX\r\n"
            + noLengthStream(jpegs.mid(2), "----zz"))
        << 8 * 1024 * 1024 << 16 * 1024;
    QTest::newRow("limits reached") // parts and header blocks above small limits, bad lengths
        << QByteArray(mp + "b")
        << (clPart("b", big) + clPart("b", jpegs[0]) + "\r\n--b\r\nX-Pad: " + QByteArray(700, 'p') + "\r\n"
            + clPart("b", jpegs[1]) + "\r\n--b\r\nContent-Length: 99999999999999999999\r\n\r\n" + big
            + noLengthStream({jpegs[2], big, jpegs[3]}, "--b"))
        << 4096 << 512;
    QTest::newRow("bare: truncated, thumbnails, junk")
        << QByteArray("image/jpeg")
        << (jpegs[0].left(300) + jpegs[1] + "\r\n" + thumbed + "junk\xFF\xD8" + jpegs[2].left(900) + jpegs[3]
            + big + jpegs[4])
        << 4096 << 16 * 1024;
}

void TestMjpegParser::randomSlicingGivesIdenticalParts()
{
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, stream);
    QFETCH(int, maxPart);
    QFETCH(int, maxHeader);
    CaptureLimits limits;
    limits.maxPartBytes = maxPart;
    limits.maxPartHeaderBytes = maxHeader;
    const Outcome whole = parsePull(contentType, limits, stream, {stream.size()});
    QVERIFY(whole.bodies.size() >= 2);
    QRandomGenerator rng(1234);
    for (int round = 0; round < 40; ++round) {
        QList<qsizetype> slices;
        const int maxSlice = round < 10 ? 8 : round < 30 ? 300 : 5000;
        for (int i = 0; i < 64; ++i)
            slices << 1 + rng.bounded(maxSlice);
        const Outcome sliced = parsePull(contentType, limits, stream, slices);
        QCOMPARE(sliced.bodies, whole.bodies);
        QCOMPARE(sliced.headers, whole.headers);
        compareStats(sliced.stats, whole.stats);
    }
}

void TestMjpegParser::timestamp_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<qint64>("us");
    QTest::newRow("esp32") << QByteArray("1000.000123") << qint64(1000000123);
    QTest::newRow("short fraction") << QByteArray("12.5") << qint64(12500000);
    QTest::newRow("long fraction") << QByteArray("12.1234567") << qint64(12123456);
    QTest::newRow("no fraction") << QByteArray("12") << qint64(12000000);
    QTest::newRow("spaces") << QByteArray(" 7.25 ") << qint64(7250000);
    QTest::newRow("zero") << QByteArray("0.0") << qint64(0);
    QTest::newRow("largest") << QByteArray("9223372036853.999999") << qint64(9223372036853999999);
    QTest::newRow("overflow (issue 15)") << QByteArray("9223372036854775807.9") << qint64(-1);
    QTest::newRow("just too large") << QByteArray("9223372036854.0") << qint64(-1);
    QTest::newRow("huge") << QByteArray(QByteArray(400, '9') + ".9") << qint64(-1);
    QTest::newRow("negative") << QByteArray("-1.5") << qint64(-1);
    QTest::newRow("empty") << QByteArray() << qint64(-1);
    QTest::newRow("text") << QByteArray("abc") << qint64(-1);
    QTest::newRow("bad fraction") << QByteArray("1.x") << qint64(-1);
    QTest::newRow("dot only") << QByteArray(".5") << qint64(-1);
}

void TestMjpegParser::timestamp()
{
    QFETCH(QByteArray, value);
    QFETCH(qint64, us);
    QCOMPARE(parseTimestampUs(value), us);
}

QTEST_GUILESS_MAIN(TestMjpegParser)
#include "tst_mjpeg_parser.moc"
