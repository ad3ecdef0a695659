#pragma once
// Edits a camera's motion masks on a live still of that camera (refreshed once a second while
// open), or on a grey 4:3 canvas when there is no picture yet.
#include <QDialog>
#include <QTimer>

#include "config/polygons.h"
#include "frame_still.h"

class QCheckBox;
class QLabel;
class QPushButton;

namespace vigil {

class PolygonEditor;

class MaskDialog : public QDialog {
    Q_OBJECT
public:
    // `source` may be empty (new camera); `fallback` (e.g. the connection test's frame) is shown
    // while the source has no frame.
    MaskDialog(const QList<RelativePolygon>& masks, FrameSource source, const QImage& fallback,
               QWidget* parent = nullptr);

    QList<RelativePolygon> masks() const;
    PolygonEditor* editor() const { return m_editor; }
    bool hasPicture() const;
    void refreshFrame();              // also runs once a second

private:
    void updateButtons();

    StillFeed m_feed;
    PolygonEditor* m_editor;
    QLabel* m_status;
    QCheckBox* m_showMotion;
    QPushButton* m_delete;
    QPushButton* m_clear;
    QTimer m_timer;
};

} // namespace vigil
