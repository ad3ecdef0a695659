// JpegDecoder / JpegEncoder: DCT scaling choice, decode sizes, quality vs resize, corrupt input.
#include <QtTest>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "processing/jpeg_codec.h"
#include "jpeg_test_data.h"
#include "test_util.h"

using namespace vigil;

namespace {

// A smooth, photo-like synthetic image: gradients, shapes and mild noise.
cv::Mat syntheticImage(int w, int h)
{
    cv::Mat img(h, w, CV_8UC3);
    for (int y = 0; y < h; ++y) {
        auto* row = img.ptr<cv::Vec3b>(y);
        for (int x = 0; x < w; ++x)
            row[x] = cv::Vec3b(uchar(255 * x / w), uchar(255 * y / h), uchar((x + y) * 255 / (w + h)));
    }
    cv::circle(img, {w / 3, h / 2}, h / 4, cv::Scalar(30, 200, 90), cv::FILLED, cv::LINE_AA);
    cv::rectangle(img, cv::Rect(w / 2, h / 5, w / 4, h / 3), cv::Scalar(220, 40, 40), cv::FILLED, cv::LINE_AA);
    cv::Mat noise(h, w, CV_8UC3);
    cv::RNG(7).fill(noise, cv::RNG::NORMAL, 0, 6);
    cv::add(img, noise, img, cv::noArray(), CV_8UC3);
    return img;
}

// The test photo at the given size, or the synthetic image when the photo is unavailable.
cv::Mat photo(int w, int h)
{
    const QByteArray dog = test::readFile(test::testdataDir() + "/dog.jpg");
    cv::Mat full;
    JpegDecoder dec;
    if (dog.isEmpty() || !dec.decodeBgr(dog, full))
        return syntheticImage(w, h);
    cv::Mat out;
    cv::resize(full, out, cv::Size(w, h), 0, 0, cv::INTER_AREA);
    return out;
}

} // namespace

class TestJpegCodec : public QObject {
    Q_OBJECT
private slots:
    void scaledSizeFor_data();
    void scaledSizeFor();
    void decodeProducesScaledSize_data();
    void decodeProducesScaledSize();
    void readSize();
    void refusesSizeAboveLimitFromHeader();
    void perCallLimit();
    void scaledDecodeMatchesResize();
    void decodeReusesBuffer();
    void decodeIntoRoi();
    void corruptInput_data();
    void corruptInput();
    void truncatedIsError();
    void encodeDecodeRoundTrip();
    void encodeQualityAndErrors();
    void decodeGray_data();
    void decodeGray();
    void decodeGrayCorrupt();
};

void TestJpegCodec::scaledSizeFor_data()
{
    QTest::addColumn<QSize>("source");
    QTest::addColumn<QSize>("needed");
    QTest::addColumn<QSize>("expected");
    const QSize hd(1280, 720);
    QTest::newRow("half") << hd << QSize(640, 360) << QSize(640, 360);
    QTest::newRow("just over half -> 5/8") << hd << QSize(641, 360) << QSize(800, 450);
    QTest::newRow("height decides") << hd << QSize(100, 361) << QSize(800, 450);
    QTest::newRow("nothing needed") << hd << QSize() << hd;
    QTest::newRow("empty needed") << hd << QSize(0, 0) << hd;
    QTest::newRow("negative needed") << hd << QSize(-1, 300) << hd;
    QTest::newRow("same size") << hd << hd << hd;
    QTest::newRow("larger than source") << hd << QSize(1920, 1080) << hd;
    QTest::newRow("tiny -> 1/8") << hd << QSize(10, 10) << QSize(160, 90);
    QTest::newRow("exact 1/8") << hd << QSize(160, 90) << QSize(160, 90);
    QTest::newRow("3/8") << hd << QSize(480, 270) << QSize(480, 270);
    QTest::newRow("7/8") << hd << QSize(1000, 600) << QSize(1120, 630);
    QTest::newRow("odd sizes round up") << QSize(1001, 333) << QSize(100, 40) << QSize(126, 42);
    QTest::newRow("ESP32 SVGA for 320x240") << QSize(800, 600) << QSize(320, 240) << QSize(400, 300);
    QTest::newRow("invalid source") << QSize() << QSize(10, 10) << QSize();
}

void TestJpegCodec::scaledSizeFor()
{
    QFETCH(QSize, source);
    QFETCH(QSize, needed);
    QFETCH(QSize, expected);
    QCOMPARE(JpegDecoder::scaledSizeFor(source, needed), expected);
}

void TestJpegCodec::decodeProducesScaledSize_data()
{
    QTest::addColumn<QSize>("needed");
    QTest::addColumn<QSize>("expected");
    QTest::newRow("full") << QSize() << QSize(1280, 720);
    QTest::newRow("1/2") << QSize(640, 360) << QSize(640, 360);
    QTest::newRow("5/8") << QSize(641, 360) << QSize(800, 450);
    QTest::newRow("1/4") << QSize(300, 170) << QSize(320, 180);
    QTest::newRow("1/8") << QSize(1, 1) << QSize(160, 90);
}

void TestJpegCodec::decodeProducesScaledSize()
{
    QFETCH(QSize, needed);
    QFETCH(QSize, expected);
    JpegEncoder enc;
    const QByteArray jpeg = enc.encodeBgr(syntheticImage(1280, 720), 85);
    QVERIFY(!jpeg.isEmpty());
    JpegDecoder dec;
    cv::Mat out;
    QString err;
    QVERIFY2(dec.decodeBgr(jpeg, out, needed, &err), qPrintable(err));
    QCOMPARE(out.type(), CV_8UC3);
    QCOMPARE(QSize(out.cols, out.rows), expected);
    QCOMPARE(JpegDecoder::scaledSizeFor({1280, 720}, needed), expected);
}

void TestJpegCodec::readSize()
{
    JpegEncoder enc;
    const QByteArray jpeg = enc.encodeBgr(syntheticImage(200, 100));
    JpegDecoder dec;
    QSize size;
    QVERIFY(dec.readSize(jpeg, &size));
    QCOMPARE(size, QSize(200, 100));
    QString err;
    QVERIFY(!dec.readSize("not a jpeg at all", &size, &err));
    QVERIFY(!err.isEmpty());
    const QByteArray dog = test::readFile(test::testdataDir() + "/dog.jpg");
    if (!dog.isEmpty()) {
        QVERIFY(dec.readSize(dog, &size));
        QCOMPARE(size, QSize(768, 576));
    }
}

static double psnr(const cv::Mat& a, const cv::Mat& b)
{
    return cv::PSNR(a, b);
}

void TestJpegCodec::refusesSizeAboveLimitFromHeader()
{
    JpegEncoder enc;
    const QByteArray small = enc.encodeBgr(syntheticImage(64, 48));
    const QByteArray huge = test::withClaimedSize(small, 18900, 18900);
    QVERIFY(!huge.isEmpty());
    JpegDecoder dec;
    QSize size;
    QString err;
    QVERIFY(!dec.readSize(huge, &size, &err));
    QCOMPARE(size, QSize(18900, 18900));  // what the header claims, for the caller's reason
    QCOMPARE(err, QStringLiteral("JPEG claims 18900x18900, above the 8192x8192 limit"));
    // decode refuses before allocating: the output stays empty.
    cv::Mat out;
    err.clear();
    QVERIFY(!dec.decodeBgr(huge, out, {}, &err));
    QVERIFY(out.empty());
    QVERIFY2(err.contains("18900x18900"), qPrintable(err));
    // One dimension over is enough.
    QVERIFY(!dec.readSize(test::withClaimedSize(small, 100, 8193), &size));
    // The decoder is still usable afterwards, and 8192x8192 itself passes the header check.
    QVERIFY(dec.readSize(test::withClaimedSize(small, 8192, 8192), &size));
    QVERIFY(dec.decodeBgr(small, out));
    QCOMPARE(out.cols, 64);
}

void TestJpegCodec::perCallLimit()
{
    JpegEncoder enc;
    const QByteArray jpeg = enc.encodeBgr(syntheticImage(640, 480));
    JpegDecoder dec;
    QSize size;
    QString err;
    QVERIFY(!dec.readSize(jpeg, &size, &err, QSize(320, 240)));
    QCOMPARE(err, QStringLiteral("JPEG claims 640x480, above the 320x240 limit"));
    cv::Mat out;
    QVERIFY(!dec.decodeBgr(jpeg, out, {}, &err, QSize(640, 479)));
    QVERIFY(out.empty());
    QVERIFY(dec.decodeBgr(jpeg, out, {}, &err, QSize(640, 480)));
    QCOMPARE(out.rows, 480);
    // A camera may allow more than the default.
    QVERIFY(dec.readSize(test::withClaimedSize(jpeg, 10000, 9000), &size, nullptr, QSize(12000, 12000)));
    QCOMPARE(size, QSize(10000, 9000));
}

void TestJpegCodec::scaledDecodeMatchesResize()
{
    JpegEncoder enc;
    const cv::Mat src = photo(1280, 720);
    const QByteArray jpeg = enc.encodeBgr(src, 90);
    JpegDecoder dec;
    cv::Mat full, scaled, resized;
    QVERIFY(dec.decodeBgr(jpeg, full));
    QCOMPARE(full.size(), cv::Size(1280, 720));
    for (const QSize needed : {QSize(640, 360), QSize(320, 180), QSize(160, 90)}) {
        QVERIFY(dec.decodeBgr(jpeg, scaled, needed));
        QCOMPARE(scaled.size(), cv::Size(needed.width(), needed.height()));
        cv::resize(full, resized, scaled.size(), 0, 0, cv::INTER_AREA);
        const double db = psnr(scaled, resized);
        qInfo("scale %dx%d: PSNR vs full decode + INTER_AREA resize = %.1f dB", needed.width(), needed.height(), db);
        QVERIFY2(db > 30.0, qPrintable(QString::number(db)));
    }
    // and the real photo itself, decoded at 1/2
    const QByteArray dog = test::readFile(test::testdataDir() + "/dog.jpg");
    if (!dog.isEmpty()) {
        QVERIFY(dec.decodeBgr(dog, full));
        QVERIFY(dec.decodeBgr(dog, scaled, QSize(384, 288)));
        QCOMPARE(scaled.size(), cv::Size(384, 288));
        cv::resize(full, resized, scaled.size(), 0, 0, cv::INTER_AREA);
        const double db = psnr(scaled, resized);
        qInfo("dog.jpg at 1/2: PSNR = %.1f dB", db);
        QVERIFY2(db > 30.0, qPrintable(QString::number(db)));
    }
}

void TestJpegCodec::decodeReusesBuffer()
{
    JpegEncoder enc;
    const QByteArray a = enc.encodeBgr(syntheticImage(320, 240));
    const QByteArray b = enc.encodeBgr(syntheticImage(320, 240) / 2);
    JpegDecoder dec;
    cv::Mat out;
    QVERIFY(dec.decodeBgr(a, out));
    const uchar* data = out.data;
    const cv::Mat firstCopy = out.clone();
    QVERIFY(dec.decodeBgr(b, out));
    QCOMPARE(out.data, data); // same size: no reallocation
    QVERIFY(cv::norm(out, firstCopy, cv::NORM_L1) > 0); // but new pixels
    QVERIFY(dec.decodeBgr(a, out, QSize(160, 120)));
    QCOMPARE(out.size(), cv::Size(160, 120));
}

void TestJpegCodec::decodeIntoRoi()
{
    // a non-continuous destination of the right size is filled in place (row stride honoured)
    JpegEncoder enc;
    const cv::Mat src = syntheticImage(64, 48);
    const QByteArray jpeg = enc.encodeBgr(src, 95);
    cv::Mat big(100, 100, CV_8UC3, cv::Scalar(1, 2, 3));
    cv::Mat roi = big(cv::Rect(10, 10, 64, 48));
    JpegDecoder dec;
    QVERIFY(dec.decodeBgr(jpeg, roi));
    QCOMPARE(roi.data, big.ptr(10, 10));
    QVERIFY(psnr(roi, src) > 30.0);
    QCOMPARE(big.at<cv::Vec3b>(0, 0), cv::Vec3b(1, 2, 3));
}

void TestJpegCodec::corruptInput_data()
{
    QTest::addColumn<QByteArray>("data");
    QByteArray random(5000, 0);
    cv::RNG rng(3);
    for (char& c : random)
        c = char(rng.uniform(0, 256));
    JpegEncoder enc;
    const QByteArray good = enc.encodeBgr(syntheticImage(128, 96));
    QByteArray badTables = good;
    for (qsizetype i = 20; i < 200; ++i)
        badTables[i] = char(0x5A); // quantisation/Huffman tables destroyed
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("random") << random;
    QTest::newRow("random with SOI") << (QByteArray("\xFF\xD8\xFF", 3) + random);
    QTest::newRow("SOI only") << QByteArray("\xFF\xD8", 2);
    QTest::newRow("header only") << good.left(300);
    QTest::newRow("bad tables") << badTables;
}

void TestJpegCodec::corruptInput()
{
    QFETCH(QByteArray, data);
    JpegDecoder dec;
    cv::Mat out;
    QString err;
    QVERIFY(!dec.decodeBgr(data, out, {}, &err));
    QVERIFY(!err.isEmpty());
    err.clear();
    QVERIFY(!dec.decodeBgr(data, out, QSize(10, 10), &err));
    QVERIFY(!err.isEmpty());
    // the decoder still works afterwards
    JpegEncoder enc;
    QVERIFY2(dec.decodeBgr(enc.encodeBgr(syntheticImage(32, 32)), out, {}, &err), qPrintable(err));
    QCOMPARE(out.size(), cv::Size(32, 32));
}

void TestJpegCodec::truncatedIsError()
{
    // libjpeg-turbo only warns ("Premature end of JPEG file") and fills grey: reported as an error.
    JpegEncoder enc;
    const QByteArray good = enc.encodeBgr(syntheticImage(320, 240), 90);
    JpegDecoder dec;
    cv::Mat out;
    for (double frac : {0.5, 0.9, 0.99}) {
        QString err;
        const QByteArray cut = good.left(qsizetype(good.size() * frac));
        QVERIFY(!dec.decodeBgr(cut, out, {}, &err));
        QVERIFY2(!err.isEmpty(), "no reason given");
        qInfo("truncated at %.0f%%: %s", frac * 100, qPrintable(err));
        err.clear();
        QVERIFY(!dec.decodeBgr(cut, out, QSize(80, 60), &err));
        QVERIFY(!err.isEmpty());
    }
    // without the final EOI only: still an error (the frame may be cut off)
    QString err;
    QVERIFY(!dec.decodeBgr(good.left(good.size() - 2), out, {}, &err));
    QVERIFY(!err.isEmpty());
    // junk after EOI is not an error
    QVERIFY(dec.decodeBgr(good + QByteArray(100, 'z'), out));
    // intact data decodes
    QVERIFY(dec.decodeBgr(good, out));
}

void TestJpegCodec::encodeDecodeRoundTrip()
{
    const cv::Mat src = syntheticImage(320, 240);
    JpegEncoder enc;
    QString err;
    const QByteArray jpeg = enc.encodeBgr(src, 92, &err);
    QVERIFY2(!jpeg.isEmpty(), qPrintable(err));
    QVERIFY(jpeg.startsWith(QByteArray("\xFF\xD8", 2)));
    QVERIFY(jpeg.endsWith(QByteArray("\xFF\xD9", 2)));
    JpegDecoder dec;
    cv::Mat back;
    QVERIFY(dec.decodeBgr(jpeg, back));
    QCOMPARE(back.size(), src.size());
    QCOMPARE(back.type(), CV_8UC3);
    QVERIFY2(psnr(back, src) > 30.0, qPrintable(QString::number(psnr(back, src))));
    // channel order preserved (a blue image stays blue)
    const cv::Mat blue(64, 64, CV_8UC3, cv::Scalar(255, 0, 0));
    QVERIFY(dec.decodeBgr(enc.encodeBgr(blue, 90), back));
    const cv::Vec3b px = back.at<cv::Vec3b>(32, 32);
    QVERIFY(px[0] > 240 && px[1] < 15 && px[2] < 15);
    // a non-continuous ROI encodes too
    const cv::Mat roi = src(cv::Rect(10, 20, 100, 50));
    QVERIFY(dec.decodeBgr(enc.encodeBgr(roi, 95), back));
    QCOMPARE(back.size(), roi.size());
    QVERIFY(psnr(back, roi) > 30.0);
}

void TestJpegCodec::encodeQualityAndErrors()
{
    const cv::Mat src = syntheticImage(320, 240);
    JpegEncoder enc;
    const QByteArray low = enc.encodeBgr(src, 10), high = enc.encodeBgr(src, 95);
    QVERIFY(!low.isEmpty() && !high.isEmpty());
    QVERIFY(low.size() < high.size());
    QVERIFY(!enc.encodeBgr(src, 0).isEmpty());   // clamped to 1
    QVERIFY(!enc.encodeBgr(src, 200).isEmpty()); // clamped to 100
    QString err;
    QVERIFY(enc.encodeBgr(cv::Mat(), 80, &err).isEmpty());
    QVERIFY(!err.isEmpty());
    err.clear();
    QVERIFY(enc.encodeBgr(cv::Mat(10, 10, CV_8UC1), 80, &err).isEmpty());
    QVERIFY(!err.isEmpty());
}

void TestJpegCodec::decodeGray_data()
{
    QTest::addColumn<QSize>("needed");
    QTest::addColumn<QSize>("expected");
    QTest::newRow("full") << QSize() << QSize(1280, 720);
    QTest::newRow("1/2") << QSize(640, 360) << QSize(640, 360);
    QTest::newRow("1/4") << QSize(300, 170) << QSize(320, 180);
    QTest::newRow("1/8") << QSize(100, 90) << QSize(160, 90);
}

void TestJpegCodec::decodeGray()
{
    // Luma only, DCT-scaled like decodeBgr, and the same picture as the BGR decode's luma.
    QFETCH(QSize, needed);
    QFETCH(QSize, expected);
    JpegEncoder enc;
    const QByteArray jpeg = enc.encodeBgr(photo(1280, 720), 85);
    JpegDecoder dec;
    cv::Mat gray, bgr, luma;
    QString err;
    QVERIFY2(dec.decodeGray(jpeg, gray, needed, &err), qPrintable(err));
    QCOMPARE(gray.type(), CV_8UC1);
    QCOMPARE(gray.channels(), 1);
    QCOMPARE(QSize(gray.cols, gray.rows), expected);
    QVERIFY(dec.decodeBgr(jpeg, bgr, needed));
    cv::cvtColor(bgr, luma, cv::COLOR_BGR2GRAY);
    cv::Mat diff;
    cv::absdiff(gray, luma, diff);
    double maxDiff = 0;
    cv::minMaxLoc(diff, nullptr, &maxDiff);
    const double meanDiff = cv::mean(diff)[0];
    qInfo("%dx%d: luma vs BGR->gray: mean %.2f, max %.0f", gray.cols, gray.rows, meanDiff, maxDiff);
    QVERIFY2(meanDiff < 1.5, qPrintable(QString::number(meanDiff)));
    QVERIFY2(maxDiff <= 16, qPrintable(QString::number(maxDiff)));
    // Not a constant image: the check above compared real content.
    cv::Scalar mean, stddev;
    cv::meanStdDev(gray, mean, stddev);
    QVERIFY(stddev[0] > 10);
    // The buffer is reused for the same size.
    const uchar* data = gray.data;
    QVERIFY(dec.decodeGray(jpeg, gray, needed));
    QCOMPARE(gray.data, data);
}

void TestJpegCodec::decodeGrayCorrupt()
{
    JpegEncoder enc;
    const QByteArray good = enc.encodeBgr(syntheticImage(320, 240), 90);
    JpegDecoder dec;
    cv::Mat out;
    for (const QByteArray& bad : {QByteArray(), QByteArray("not a jpeg at all"), good.left(good.size() / 2),
                                  test::withClaimedSize(good, 18900, 18900)}) {
        QString err;
        QVERIFY(!dec.decodeGray(bad, out, QSize(80, 60), &err));
        QVERIFY2(!err.isEmpty(), "no reason given");
    }
    QString err;
    QVERIFY(!dec.decodeGray(good.left(good.size() / 2), out, {}, &err));
    QVERIFY2(err.contains("corrupt") || err.contains("Premature"), qPrintable(err));
    // The decoder still works afterwards.
    QVERIFY2(dec.decodeGray(good, out, QSize(80, 60), &err), qPrintable(err));
    QCOMPARE(out.size(), cv::Size(80, 60));
    QCOMPARE(out.type(), CV_8UC1);
}

QTEST_GUILESS_MAIN(TestJpegCodec)
#include "tst_jpeg_codec.moc"
