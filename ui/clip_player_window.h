#pragma once
// The clip player in a window of its own, opened from the events panel. Titled with the event's
// camera, label and start time (local). Playback pauses when the window closes; the owner decides
// whether it is deleted then (WA_DeleteOnClose frees the decoder and the clip's index).
#include <QWidget>

#include "clip_player.h"

namespace vigil {

class ClipPlayerWindow : public QWidget {
    Q_OBJECT
public:
    explicit ClipPlayerWindow(QWidget* parent = nullptr);

    // See ClipPlayer::open. The window shows the message itself when the clip cannot be played.
    bool open(const QString& clipPath, const Event& event, qint64 preRollMs = ClipPlayer::kDefaultPreRollMs);

    ClipPlayer* player() const { return m_player; }
    static QString titleFor(const Event& event);

private:
    ClipPlayer* m_player = nullptr;
};

} // namespace vigil
