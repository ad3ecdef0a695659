#pragma once
// Live tuning of the selected camera's frame gate: skip_frames and fps sliders (1-30) and the
// field presets. Changes go to the running stream at once (no reconnect) and are saved.
#include <QPointer>
#include <QWidget>

class QLabel;
class QPushButton;
class QSlider;

namespace vigil {

class Camera;
class CameraManager;

class TuningPanel : public QWidget {
    Q_OBJECT
public:
    explicit TuningPanel(CameraManager* manager, QWidget* parent = nullptr);

    void setCamera(Camera* camera);   // null: nothing to tune
    Camera* camera() const { return m_camera; }
    QSlider* skipSlider() const { return m_skip; }
    QSlider* fpsSlider() const { return m_fps; }
    void applyPreset(int index);      // index into kGatePresets

private:
    void syncFromCamera();
    void onSliderChanged();

    CameraManager* m_manager;
    QPointer<Camera> m_camera;
    QLabel* m_title;
    QSlider* m_skip;
    QSlider* m_fps;
    QLabel* m_skipValue;
    QLabel* m_fpsValue;
    QLabel* m_effect;
    QList<QPushButton*> m_presets;
    bool m_syncing = false;
};

} // namespace vigil
