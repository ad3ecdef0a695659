#pragma once
// Plays one event's clip: the frames (aspect kept), the tracked object's box over the frames in
// which it was seen, a seek bar that shows where it was detected, and the controls (play/pause
// on Space, frame steps on ←/→, speed). A missing or damaged clip is said in the frame area.
// Decoding runs on the GUI thread, one frame per tick, DCT-scaled to the view (see ClipPlayback).
#include <QIcon>
#include <QWidget>

#include "events/clip_playback.h"
#include "events/event.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QToolButton;

namespace vigil {

class ClipFrameView;
class SeekBar;

class ClipPlayer : public QWidget {
    Q_OBJECT
public:
    // The recorder's default pre-roll: where the clip starts when it has no creation_time.
    static constexpr qint64 kDefaultPreRollMs = 5000;

    explicit ClipPlayer(QWidget* parent = nullptr);
    ~ClipPlayer() override;

    // Opens the clip of `event` (its track gives the boxes). The clip's creation_time maps track
    // times to clip times; without one the clip is taken to start `preRollMs` before the event
    // (the recorder starts it there), see timingEstimated(). False when nothing can be played:
    // message() says why, in the frame area too.
    bool open(const QString& clipPath, const Event& event, qint64 preRollMs = kDefaultPreRollMs);

    void setShowBox(bool show);
    bool showBox() const;

    ClipPlayback* playback() { return &m_playback; }
    SeekBar* seekBar() const { return m_seekBar; }
    QWidget* frameView() const;
    // Where the frame is painted in frameView(); empty when there is none.
    QRectF frameRect() const;
    // The box drawn on the current frame (source pixels); empty when none is drawn.
    std::optional<QRectF> shownBox() const { return m_shownBox; }
    QString message() const;      // in place of the frame: clip missing, unreadable, frame error
    QString banner() const;       // over the frame: the clip is damaged
    qint64 clipStartWallMs() const { return m_startWallMs; }
    bool timingEstimated() const { return m_timingEstimated; }
    const ClipTrack& track() const { return m_track; }

    static QColor boxColour();
    // "mm:ss.zzz" (minutes may pass 59).
    static QString formatTime(qint64 ms);

protected:
    void keyPressEvent(QKeyEvent* event) override;
    void hideEvent(QHideEvent* event) override;

private:
    void showCurrentFrame();
    void updateControls();
    void fail(const QString& message);
    void applyPendingSeek();

    ClipPlayback m_playback;
    ClipTrack m_track;
    Event m_event;
    qint64 m_startWallMs = 0;
    bool m_timingEstimated = false;
    std::optional<QRectF> m_shownBox;
    qint64 m_pendingSeekMs = -1;  // scrubbing: only the latest position is decoded
    bool m_resumeAfterScrub = false;

    QIcon m_playIcon;
    QIcon m_pauseIcon;
    bool m_playButtonPauses = false;
    ClipFrameView* m_view = nullptr;
    SeekBar* m_seekBar = nullptr;
    QToolButton* m_playButton = nullptr;
    QToolButton* m_backButton = nullptr;
    QToolButton* m_forwardButton = nullptr;
    QComboBox* m_speed = nullptr;
    QCheckBox* m_showBox = nullptr;
    QLabel* m_time = nullptr;
    QLabel* m_frame = nullptr;
};

} // namespace vigil
