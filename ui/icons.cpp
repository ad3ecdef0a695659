#include "icons.h"

#include <QPainter>
#include <QPainterPath>
#include <QPixmap>
#include <functional>

namespace vigil::icons {

namespace {

const QColor kInk(0xd8, 0xdd, 0xe6);
const QColor kAccent(0x3d, 0xa5, 0xf4);

// Draws on a 24x24 canvas at a few sizes so icons stay crisp on HiDPI.
QIcon make(const std::function<void(QPainter&)>& draw, const QColor& ink = kInk)
{
    QIcon icon;
    for (int px : {16, 24, 32, 48, 64}) {
        QPixmap pm(px, px);
        pm.fill(Qt::transparent);
        QPainter p(&pm);
        p.setRenderHint(QPainter::Antialiasing);
        p.scale(px / 24.0, px / 24.0);
        QPen pen(ink, 1.8, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin);
        p.setPen(pen);
        p.setBrush(Qt::NoBrush);
        draw(p);
        p.end();
        icon.addPixmap(pm);
    }
    return icon;
}

void cameraBody(QPainter& p)
{
    QPainterPath body;
    body.addRoundedRect(QRectF(3, 7, 18, 13), 2.5, 2.5);
    p.drawPath(body);
    p.drawLine(QPointF(8, 7), QPointF(9.5, 4.5));
    p.drawLine(QPointF(9.5, 4.5), QPointF(14.5, 4.5));
    p.drawLine(QPointF(14.5, 4.5), QPointF(16, 7));
    p.drawEllipse(QPointF(12, 13.5), 3.6, 3.6);
}

} // namespace

QIcon appIcon()
{
    QIcon icon;
    for (int px : {16, 32, 48, 64, 128, 256}) {
        QPixmap pm(px, px);
        pm.fill(Qt::transparent);
        QPainter p(&pm);
        p.setRenderHint(QPainter::Antialiasing);
        p.scale(px / 64.0, px / 64.0);
        QLinearGradient bg(0, 0, 64, 64);
        bg.setColorAt(0, QColor(0x1f, 0x6f, 0xd1));
        bg.setColorAt(1, QColor(0x12, 0x2a, 0x4f));
        p.setPen(Qt::NoPen);
        p.setBrush(bg);
        p.drawRoundedRect(QRectF(2, 2, 60, 60), 14, 14);
        // An eye: the watcher.
        QPainterPath eye;
        eye.moveTo(10, 32);
        eye.quadTo(32, 10, 54, 32);
        eye.quadTo(32, 54, 10, 32);
        p.setBrush(QColor(0xf4, 0xf7, 0xfb));
        p.drawPath(eye);
        p.setBrush(QColor(0x12, 0x2a, 0x4f));
        p.drawEllipse(QPointF(32, 32), 9, 9);
        p.setBrush(QColor(0x4c, 0xd9, 0x7b));
        p.drawEllipse(QPointF(32, 32), 4, 4);
        p.end();
        icon.addPixmap(pm);
    }
    return icon;
}

QIcon addCamera()
{
    return make([](QPainter& p) {
        cameraBody(p);
        p.setPen(QPen(kAccent, 2.2, Qt::SolidLine, Qt::RoundCap));
        p.drawLine(QPointF(19, 1.5), QPointF(19, 7.5));
        p.drawLine(QPointF(16, 4.5), QPointF(22, 4.5));
    });
}

QIcon snapshot()
{
    return make([](QPainter& p) { cameraBody(p); });
}

QIcon snapshotAll()
{
    return make([](QPainter& p) {
        p.drawRoundedRect(QRectF(2.5, 3, 8, 7), 1.5, 1.5);
        p.drawRoundedRect(QRectF(13.5, 3, 8, 7), 1.5, 1.5);
        p.drawRoundedRect(QRectF(2.5, 14, 8, 7), 1.5, 1.5);
        p.drawRoundedRect(QRectF(13.5, 14, 8, 7), 1.5, 1.5);
        p.drawEllipse(QPointF(6.5, 6.5), 1.6, 1.6);
        p.drawEllipse(QPointF(17.5, 6.5), 1.6, 1.6);
        p.drawEllipse(QPointF(6.5, 17.5), 1.6, 1.6);
        p.drawEllipse(QPointF(17.5, 17.5), 1.6, 1.6);
    });
}

QIcon focus()
{
    return make([](QPainter& p) {
        p.drawPolyline(QList<QPointF>{{4, 9}, {4, 4}, {9, 4}});
        p.drawPolyline(QList<QPointF>{{15, 4}, {20, 4}, {20, 9}});
        p.drawPolyline(QList<QPointF>{{20, 15}, {20, 20}, {15, 20}});
        p.drawPolyline(QList<QPointF>{{9, 20}, {4, 20}, {4, 15}});
    });
}

QIcon grid()
{
    return make([](QPainter& p) {
        p.drawRoundedRect(QRectF(3.5, 3.5, 7, 7), 1.2, 1.2);
        p.drawRoundedRect(QRectF(13.5, 3.5, 7, 7), 1.2, 1.2);
        p.drawRoundedRect(QRectF(3.5, 13.5, 7, 7), 1.2, 1.2);
        p.drawRoundedRect(QRectF(13.5, 13.5, 7, 7), 1.2, 1.2);
    });
}

QIcon edit()
{
    return make([](QPainter& p) {
        QPainterPath pen;
        pen.moveTo(4, 20);
        pen.lineTo(5, 15.5);
        pen.lineTo(16, 4.5);
        pen.lineTo(19.5, 8);
        pen.lineTo(8.5, 19);
        pen.closeSubpath();
        p.drawPath(pen);
        p.drawLine(QPointF(13.5, 7), QPointF(17, 10.5));
    });
}

QIcon remove()
{
    return make([](QPainter& p) {
        p.drawLine(QPointF(4, 6.5), QPointF(20, 6.5));
        p.drawPolyline(QList<QPointF>{{9, 6.5}, {9.5, 3.5}, {14.5, 3.5}, {15, 6.5}});
        QPainterPath can;
        can.moveTo(6, 6.5);
        can.lineTo(7, 20.5);
        can.lineTo(17, 20.5);
        can.lineTo(18, 6.5);
        p.drawPath(can);
        p.drawLine(QPointF(10, 10), QPointF(10, 17));
        p.drawLine(QPointF(14, 10), QPointF(14, 17));
    }, QColor(0xff, 0x8a, 0x80));
}

QIcon folder()
{
    return make([](QPainter& p) {
        QPainterPath f;
        f.moveTo(3, 6);
        f.lineTo(9, 6);
        f.lineTo(11, 8.5);
        f.lineTo(21, 8.5);
        f.lineTo(21, 19);
        f.lineTo(3, 19);
        f.closeSubpath();
        p.drawPath(f);
    });
}

QIcon settings()
{
    return make([](QPainter& p) {
        p.drawEllipse(QPointF(12, 12), 3, 3);
        for (int i = 0; i < 8; ++i) {
            p.save();
            p.translate(12, 12);
            p.rotate(i * 45);
            p.drawLine(QPointF(0, -6.5), QPointF(0, -9.5));
            p.restore();
        }
        p.drawEllipse(QPointF(12, 12), 6.5, 6.5);
    });
}

QIcon stats()
{
    return make([](QPainter& p) {
        p.drawLine(QPointF(3.5, 20.5), QPointF(20.5, 20.5));
        p.drawPolyline(QList<QPointF>{{4, 16}, {9, 10}, {13, 13}, {20, 5}});
    });
}

QIcon demo()
{
    return make([](QPainter& p) {
        QPainterPath play;
        play.moveTo(8, 5);
        play.lineTo(19, 12);
        play.lineTo(8, 19);
        play.closeSubpath();
        p.setBrush(kAccent);
        p.setPen(QPen(kAccent, 1.5, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
        p.drawPath(play);
    });
}

QIcon events()
{
    return make([](QPainter& p) {
        // A clock face beside list lines: "what happened when".
        p.drawEllipse(QPointF(8, 12), 5, 5);
        p.drawLine(QPointF(8, 12), QPointF(8, 9));
        p.drawLine(QPointF(8, 12), QPointF(10, 13));
        p.drawLine(QPointF(15.5, 7.5), QPointF(20.5, 7.5));
        p.drawLine(QPointF(15.5, 12.5), QPointF(20.5, 12.5));
        p.drawLine(QPointF(15.5, 17.5), QPointF(20.5, 17.5));
    });
}

} // namespace vigil::icons
