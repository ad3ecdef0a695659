#include "clip_player_window.h"

#include <QDateTime>
#include <QGuiApplication>
#include <QScreen>
#include <QVBoxLayout>
#include <cmath>

namespace vigil {

ClipPlayerWindow::ClipPlayerWindow(QWidget* parent) : QWidget(parent, Qt::Window)
{
    m_player = new ClipPlayer(this);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_player);
    setFocusProxy(m_player);
    resize(800, 560);
}

QString ClipPlayerWindow::titleFor(const Event& event)
{
    const QString camera = event.cameraName.isEmpty() ? event.camera : event.cameraName;
    const QString start = QDateTime::fromMSecsSinceEpoch(std::llround(event.startTime * 1000))
                              .toLocalTime()
                              .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    return tr("%1 — %2 — %3").arg(camera, event.label, start);
}

bool ClipPlayerWindow::open(const QString& clipPath, const Event& event, qint64 preRollMs)
{
    setWindowTitle(titleFor(event));
    const bool ok = m_player->open(clipPath, event, preRollMs);
    // Frames at their size when the screen has room (plus the controls), else scaled down.
    const QSize frame = m_player->playback()->frameSize();
    if (ok && !frame.isEmpty()) {
        const QScreen* screen = this->screen() ? this->screen() : QGuiApplication::primaryScreen();
        const QSize room = screen ? screen->availableSize() * 0.8 : QSize(1280, 800);
        const QSize controls(0, m_player->minimumSizeHint().height() - m_player->frameView()->minimumHeight());
        const QSize fitted = frame.scaled(room - controls, Qt::KeepAspectRatio).boundedTo(frame);
        resize(fitted.expandedTo(QSize(640, 360)) + controls);
    }
    m_player->setFocus();
    return ok;
}

} // namespace vigil
