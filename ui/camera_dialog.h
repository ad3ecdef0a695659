#pragma once
// Add / edit one camera: name, URL (validated inline), credentials, gate, detection settings, and
// "Test connection" which shows the first frame or the exact reason it failed.
#include <QDialog>

#include "config/camera_config.h"

class QCheckBox;
class QDialogButtonBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace vigil {

class ConnectionTest;

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

    void accept() override;

signals:
    void testFinished(bool ok, const QString& message);

private:
    void validate();
    void browseModel();
    void updateDetectionFields();
    void fillModelMenu();

    CameraConfig m_base;
    QLineEdit* m_name;
    QLineEdit* m_url;
    QLabel* m_urlError;
    QLineEdit* m_user;
    QLineEdit* m_password;
    QSpinBox* m_skip;
    QSpinBox* m_fps;
    QCheckBox* m_detection;
    QLineEdit* m_model;
    QPushButton* m_modelBrowse;
    QLabel* m_modelStatus;
    QLineEdit* m_classes;
    QDoubleSpinBox* m_confidence;
    QPushButton* m_test;
    QLabel* m_thumbnail;
    QLabel* m_testResult;
    QDialogButtonBox* m_buttons;
    ConnectionTest* m_tester;
};

} // namespace vigil
