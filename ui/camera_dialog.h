#pragma once
// Add / edit one camera: name, URL (validated inline), credentials, gate, detection and motion
// settings (masks drawn on a live frame), and "Test connection" which shows the first frame or the
// exact reason it failed.
#include <QDialog>
#include <QImage>

#include "config/camera_config.h"
#include "frame_still.h"

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSlider;
class QSpinBox;

namespace vigil {

class ConnectionTest;
class MaskDialog;
class ZoneDialog;

class CameraDialog : public QDialog {
    Q_OBJECT
public:
    // `config` pre-fills the fields (id kept when editing).
    CameraDialog(const CameraConfig& config, bool editing, QWidget* parent = nullptr);

    CameraConfig config() const;
    void setConfig(const CameraConfig& config);
    QString urlError() const;          // empty when the URL is acceptable
    void testConnection();
    QString testMessage() const;

    // Where the mask editor gets its picture: the running camera's latest frame (editing). Without
    // one (a new camera) it uses the connection test's frame, else a grey canvas.
    void setFrameSource(FrameSource source) { m_frameSource = std::move(source); }
    // Opens the mask editor (window-modal); its masks are taken when it is accepted.
    MaskDialog* openMaskEditor();
    QList<RelativePolygon> masks() const { return m_masks; }
    // Opens the zones and event labels editor (window-modal), over the same picture.
    ZoneDialog* openZoneEditor();
    CameraEventConfig events() const { return m_events; }

    void accept() override;

signals:
    void testFinished(bool ok, const QString& message);

private:
    void validate();
    void browseModel();
    void updateDetectionFields();
    void fillModelMenu();
    void setMasks(const QList<RelativePolygon>& masks);
    void setEvents(const CameraEventConfig& events);

    CameraConfig m_base;
    QLineEdit* m_name;
    QLineEdit* m_url;
    QLabel* m_urlError;
    QLineEdit* m_user;
    QLineEdit* m_password;
    QSpinBox* m_skip;
    QSpinBox* m_fps;
    QComboBox* m_detectMode;
    QLineEdit* m_model;
    QPushButton* m_modelBrowse;
    QLabel* m_modelStatus;
    QLineEdit* m_classes;
    QDoubleSpinBox* m_confidence;
    QSpinBox* m_motionThreshold;
    QSlider* m_motionThresholdSlider;
    QDoubleSpinBox* m_motionMinArea;
    QSpinBox* m_heartbeat;
    QPushButton* m_editMasks;
    QLabel* m_masksSummary;
    QList<RelativePolygon> m_masks;
    QCheckBox* m_recordEvents;
    QCheckBox* m_notify;
    QPushButton* m_editZones;
    QLabel* m_zonesSummary;
    CameraEventConfig m_events;
    FrameSource m_frameSource;
    QImage m_testImage;               // the connection test's frame: a picture for a new camera
    QPushButton* m_test;
    QLabel* m_thumbnail;
    QLabel* m_testResult;
    QDialogButtonBox* m_buttons;
    ConnectionTest* m_tester;
};

} // namespace vigil
