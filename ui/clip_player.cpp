#include "clip_player.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QPainter>
#include <QPixmap>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>
#include <cmath>

#include "seek_bar.h"
#include "theme.h"

namespace vigil {

// The frame area: the picture with aspect kept, the box, a message instead of the picture, and a
// banner over it.
class ClipFrameView : public QWidget {
public:
    explicit ClipFrameView(QWidget* parent) : QWidget(parent)
    {
        setMinimumSize(320, 180);
        setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
        setAttribute(Qt::WA_OpaquePaintEvent);
    }

    std::function<void(QSize)> onResize;   // device pixels

    void setFrame(const QImage& image, QSize sourceSize, std::optional<QRectF> box, const QString& boxLabel)
    {
        m_image = image;
        m_sourceSize = sourceSize.isEmpty() ? image.size() : sourceSize;
        m_box = box;
        m_boxLabel = boxLabel;
        update();
    }
    void setMessage(const QString& message)
    {
        m_message = message;
        update();
    }
    void setBanner(const QString& banner)
    {
        m_banner = banner;
        update();
    }
    QString message() const { return m_message; }
    QString banner() const { return m_banner; }

    QRectF frameRect() const
    {
        if (m_image.isNull() || m_sourceSize.isEmpty())
            return {};
        const QSizeF fitted = QSizeF(m_sourceSize).scaled(QSizeF(size()), Qt::KeepAspectRatio);
        return QRectF(QPointF((width() - fitted.width()) / 2, (height() - fitted.height()) / 2), fitted);
    }

protected:
    void resizeEvent(QResizeEvent*) override
    {
        if (onResize)
            onResize(size() * devicePixelRatio());
    }

    void paintEvent(QPaintEvent*) override
    {
        QPainter p(this);
        p.fillRect(rect(), theme::tileBackground());
        const QRectF target = frameRect();
        if (!target.isEmpty()) {
            p.setRenderHint(QPainter::SmoothPixmapTransform);
            p.drawImage(target, m_image);
            if (m_box)
                paintBox(p, target);
        }
        if (!m_message.isEmpty()) {
            p.setPen(palette().color(QPalette::WindowText));
            QFont f = font();
            f.setPointSizeF(f.pointSizeF() * 1.2);
            p.setFont(f);
            p.drawText(rect().adjusted(24, 24, -24, -24), Qt::AlignCenter | Qt::TextWordWrap, m_message);
        }
        if (!m_banner.isEmpty()) {
            const QRect strip(0, 0, width(), fontMetrics().height() + 12);
            QColor back = theme::windowBackground();
            back.setAlpha(210);
            p.fillRect(strip, back);
            p.setPen(theme::warning());
            p.drawText(strip.adjusted(10, 0, -10, 0), Qt::AlignVCenter | Qt::AlignLeft | Qt::TextSingleLine,
                       fontMetrics().elidedText(m_banner, Qt::ElideMiddle, strip.width() - 20));
        }
    }

private:
    void paintBox(QPainter& p, const QRectF& target)
    {
        // Source pixels to the painted frame.
        const double sx = target.width() / m_sourceSize.width();
        const double sy = target.height() / m_sourceSize.height();
        const QRectF r(target.left() + m_box->x() * sx, target.top() + m_box->y() * sy,
                       m_box->width() * sx, m_box->height() * sy);
        p.setRenderHint(QPainter::Antialiasing);
        p.setPen(QPen(ClipPlayer::boxColour(), 3));
        p.setBrush(Qt::NoBrush);
        p.drawRect(r);
        if (m_boxLabel.isEmpty())
            return;
        const QFontMetrics fm = fontMetrics();
        QRectF chip(r.left() - 1.5, r.top() - fm.height() - 4, fm.horizontalAdvance(m_boxLabel) + 10, fm.height() + 4);
        if (chip.top() < target.top())
            chip.moveTop(r.top() + 1.5);   // no room above: inside the box
        p.setPen(Qt::NoPen);
        p.setBrush(ClipPlayer::boxColour());
        p.drawRect(chip);
        p.setPen(Qt::black);
        p.drawText(chip, Qt::AlignCenter, m_boxLabel);
    }

    QImage m_image;
    QSize m_sourceSize;
    std::optional<QRectF> m_box;
    QString m_boxLabel;
    QString m_message;
    QString m_banner;
};

namespace {

enum class Glyph { Play, Pause, StepBack, StepForward };

// Filled media glyphs on a 24x24 canvas in the ink of icons.cpp (Fusion's are too dark here).
QIcon mediaIcon(Glyph glyph)
{
    QIcon icon;
    for (int px : {16, 24, 32, 48}) {
        QPixmap pm(px, px);
        pm.fill(Qt::transparent);
        QPainter p(&pm);
        p.setRenderHint(QPainter::Antialiasing);
        p.scale(px / 24.0, px / 24.0);
        p.setPen(Qt::NoPen);
        p.setBrush(QColor(0xd8, 0xdd, 0xe6));
        switch (glyph) {
        case Glyph::Play: p.drawPolygon(QPolygonF({{7, 4}, {20, 12}, {7, 20}})); break;
        case Glyph::Pause:
            p.drawRoundedRect(QRectF(6, 4.5, 4, 15), 1, 1);
            p.drawRoundedRect(QRectF(14, 4.5, 4, 15), 1, 1);
            break;
        case Glyph::StepBack:
            p.drawRect(QRectF(5, 6, 2.5, 12));
            p.drawPolygon(QPolygonF({{19, 6}, {9, 12}, {19, 18}}));
            break;
        case Glyph::StepForward:
            p.drawRect(QRectF(16.5, 6, 2.5, 12));
            p.drawPolygon(QPolygonF({{5, 6}, {15, 12}, {5, 18}}));
            break;
        }
        p.end();
        icon.addPixmap(pm);
    }
    return icon;
}

QToolButton* controlButton(QWidget* parent, const QString& name, Glyph glyph, const QString& tip)
{
    auto* b = new QToolButton(parent);
    b->setObjectName(name);
    b->setIcon(mediaIcon(glyph));
    b->setIconSize(QSize(20, 20));
    b->setToolTip(tip);
    b->setAutoRaise(true);
    // Keys belong to the player (Space, arrows), not to whichever control was clicked last.
    b->setFocusPolicy(Qt::NoFocus);
    return b;
}

} // namespace

ClipPlayer::ClipPlayer(QWidget* parent) : QWidget(parent)
{
    setFocusPolicy(Qt::StrongFocus);
    m_playIcon = mediaIcon(Glyph::Play);
    m_pauseIcon = mediaIcon(Glyph::Pause);
    m_view = new ClipFrameView(this);
    m_view->setObjectName(QStringLiteral("frameView"));
    m_view->onResize = [this](QSize pixels) { m_playback.setDecodeSize(pixels); };
    m_seekBar = new SeekBar(this);
    m_seekBar->setObjectName(QStringLiteral("seekBar"));
    m_backButton = controlButton(this, QStringLiteral("stepBackButton"), Glyph::StepBack,
                                 tr("Previous frame (Left)"));
    m_playButton = controlButton(this, QStringLiteral("playButton"), Glyph::Play, tr("Play (Space)"));
    m_forwardButton = controlButton(this, QStringLiteral("stepForwardButton"), Glyph::StepForward,
                                    tr("Next frame (Right)"));
    m_time = new QLabel(this);
    m_time->setObjectName(QStringLiteral("timeLabel"));
    m_frame = new QLabel(this);
    m_frame->setObjectName(QStringLiteral("frameLabel"));
    for (QLabel* l : {m_time, m_frame}) {
        QFont mono = l->font();
        mono.setFamily(QStringLiteral("monospace"));
        mono.setStyleHint(QFont::TypeWriter);
        l->setFont(mono);
    }
    m_speed = new QComboBox(this);
    m_speed->setObjectName(QStringLiteral("speedCombo"));
    m_speed->setFocusPolicy(Qt::NoFocus);
    m_speed->setToolTip(tr("Playback speed"));
    for (const double s : {0.5, 1.0, 2.0, 4.0})
        m_speed->addItem(QStringLiteral("%1x").arg(s), s);
    m_speed->setCurrentIndex(1);
    m_showBox = new QCheckBox(tr("Show box"), this);
    m_showBox->setObjectName(QStringLiteral("showBoxCheck"));
    m_showBox->setFocusPolicy(Qt::NoFocus);
    m_showBox->setChecked(true);
    m_showBox->setToolTip(tr("Draw the tracked object's box on the frames in which it was seen"));

    auto* controls = new QHBoxLayout;
    controls->setContentsMargins(6, 0, 6, 4);
    controls->addWidget(m_backButton);
    controls->addWidget(m_playButton);
    controls->addWidget(m_forwardButton);
    controls->addSpacing(8);
    controls->addWidget(m_time);
    controls->addStretch(1);
    controls->addWidget(m_frame);
    controls->addSpacing(12);
    controls->addWidget(m_speed);
    controls->addSpacing(8);
    controls->addWidget(m_showBox);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_seekBar);
    layout->addLayout(controls);

    connect(&m_playback, &ClipPlayback::frameChanged, this, &ClipPlayer::showCurrentFrame);
    connect(&m_playback, &ClipPlayback::playingChanged, this, &ClipPlayer::updateControls);
    connect(m_playButton, &QToolButton::clicked, &m_playback, &ClipPlayback::togglePlay);
    connect(m_backButton, &QToolButton::clicked, &m_playback, &ClipPlayback::stepBack);
    connect(m_forwardButton, &QToolButton::clicked, &m_playback, &ClipPlayback::stepForward);
    connect(m_speed, &QComboBox::currentIndexChanged, this,
            [this] { m_playback.setSpeed(m_speed->currentData().toDouble()); });
    connect(m_showBox, &QCheckBox::toggled, this, &ClipPlayer::showCurrentFrame);
    connect(m_seekBar, &SeekBar::scrubStarted, this, [this] {
        m_resumeAfterScrub = m_playback.isPlaying();
        m_playback.pause();
    });
    connect(m_seekBar, &SeekBar::seekRequested, this, [this](qint64 ms) {
        // Mouse moves come faster than frames decode: only the latest is shown.
        if (m_pendingSeekMs < 0)
            QTimer::singleShot(0, this, &ClipPlayer::applyPendingSeek);
        m_pendingSeekMs = ms;
    });
    connect(m_seekBar, &SeekBar::scrubFinished, this, [this] {
        applyPendingSeek();
        if (m_resumeAfterScrub)
            m_playback.play();
        m_resumeAfterScrub = false;
    });
    updateControls();
}

ClipPlayer::~ClipPlayer() = default;

QWidget* ClipPlayer::frameView() const
{
    return m_view;
}

QRectF ClipPlayer::frameRect() const
{
    return m_view->frameRect();
}

QString ClipPlayer::message() const
{
    return m_view->message();
}

QString ClipPlayer::banner() const
{
    return m_view->banner();
}

QColor ClipPlayer::boxColour()
{
    return SeekBar::detectionColour();   // the same colour marks detections on the seek bar
}

QString ClipPlayer::formatTime(qint64 ms)
{
    ms = std::max<qint64>(0, ms);
    return QStringLiteral("%1:%2.%3")
        .arg(ms / 60000, 2, 10, QLatin1Char('0'))
        .arg(ms / 1000 % 60, 2, 10, QLatin1Char('0'))
        .arg(ms % 1000, 3, 10, QLatin1Char('0'));
}

bool ClipPlayer::open(const QString& clipPath, const Event& event, qint64 preRollMs)
{
    m_playback.close();
    m_event = event;
    m_track = {};
    m_startWallMs = 0;
    m_timingEstimated = false;
    m_shownBox.reset();
    m_pendingSeekMs = -1;
    m_view->setBanner({});
    m_view->setMessage({});
    if (!QFileInfo::exists(clipPath)) {
        fail(tr("Clip not found: %1").arg(clipPath));
        return false;
    }
    if (!m_playback.open(clipPath)) {
        fail(tr("The clip cannot be played: %1").arg(m_playback.error()));
        return false;
    }
    m_startWallMs = m_playback.startWallMs();
    m_timingEstimated = m_startWallMs <= 0;
    if (m_timingEstimated)
        m_startWallMs = std::llround(event.startTime * 1000) - preRollMs;
    // Half a frame: the track's first and last points box only their nearest frame.
    const qint64 interval = m_playback.frameIntervalMs();
    m_track = ClipTrack(event.track, m_startWallMs, interval > 0 ? (interval + 1) / 2 : 20);
    m_seekBar->setDurationMs(m_playback.durationMs());
    m_seekBar->setDetectionRanges(m_track.ranges());
    if (!m_playback.warning().isEmpty()) {
        // Tenths are enough to say where; chop() keeps "mm:ss.z".
        QString at = formatTime(m_playback.durationMs());
        at.chop(2);
        m_view->setBanner(tr("The clip is damaged after %1; playing what could be read").arg(at));
        m_view->setToolTip(m_playback.warning());
    }
    showCurrentFrame();
    return true;
}

void ClipPlayer::fail(const QString& message)
{
    m_seekBar->setDurationMs(0);
    m_seekBar->setDetectionRanges({});
    m_view->setFrame({}, {}, std::nullopt, {});
    m_view->setMessage(message);
    m_view->setToolTip(message);
    updateControls();
}

void ClipPlayer::setShowBox(bool show)
{
    m_showBox->setChecked(show);
}

bool ClipPlayer::showBox() const
{
    return m_showBox->isChecked();
}

void ClipPlayer::showCurrentFrame()
{
    if (!m_playback.isOpen() && !m_playback.error().isEmpty()) {
        fail(tr("The clip cannot be played: %1").arg(m_playback.error()));
        return;
    }
    const qint64 pts = m_playback.positionMs();
    m_shownBox.reset();
    QString label;
    if (m_showBox->isChecked() && m_playback.currentFrame() >= 0) {
        m_shownBox = m_track.boxAt(pts);
        if (m_shownBox)
            label = QStringLiteral("%1 %2%").arg(m_event.label).arg(std::lround(m_track.scoreAt(pts) * 100));
    }
    m_view->setFrame(m_playback.currentImage(), m_playback.frameSize(), m_shownBox, label.trimmed());
    m_view->setMessage(m_playback.frameError());
    m_seekBar->setPositionMs(pts);
    updateControls();
}

void ClipPlayer::updateControls()
{
    const bool open = m_playback.isOpen();
    const int index = m_playback.currentFrame();
    const int count = m_playback.frameCount();
    m_playButton->setEnabled(open);
    m_backButton->setEnabled(open && index > 0);
    m_forwardButton->setEnabled(open && index < count - 1);
    m_seekBar->setEnabled(open);
    m_speed->setEnabled(open);
    m_showBox->setEnabled(open && !m_track.isEmpty());
    const bool playing = m_playback.isPlaying();
    if (playing != m_playButtonPauses) {   // not on every frame
        m_playButtonPauses = playing;
        m_playButton->setIcon(playing ? m_pauseIcon : m_playIcon);
        m_playButton->setToolTip(playing ? tr("Pause (Space)") : tr("Play (Space)"));
    }
    if (!open) {
        m_time->setText(QStringLiteral("--:--.--- / --:--.---"));
        m_frame->setText(tr("Frame - / -"));
        return;
    }
    m_time->setText(QStringLiteral("%1 / %2").arg(formatTime(m_playback.positionMs()),
                                                   formatTime(m_playback.durationMs())));
    m_frame->setText(tr("Frame %1 / %2").arg(index + 1).arg(count));
}

void ClipPlayer::applyPendingSeek()
{
    if (m_pendingSeekMs < 0)
        return;
    const qint64 ms = m_pendingSeekMs;
    m_pendingSeekMs = -1;
    m_playback.seekToMs(ms);
}

void ClipPlayer::keyPressEvent(QKeyEvent* event)
{
    if (!m_playback.isOpen() || event->modifiers() & ~Qt::KeypadModifier) {
        QWidget::keyPressEvent(event);
        return;
    }
    switch (event->key()) {
    case Qt::Key_Space: m_playback.togglePlay(); break;
    case Qt::Key_Left: m_playback.stepBack(); break;
    case Qt::Key_Right: m_playback.stepForward(); break;
    default: QWidget::keyPressEvent(event); return;
    }
    event->accept();
}

void ClipPlayer::hideEvent(QHideEvent* event)
{
    m_playback.pause();   // a closed window plays on for nobody
    QWidget::hideEvent(event);
}

} // namespace vigil
