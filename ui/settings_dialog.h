#pragma once
// App settings: snapshots (folder, format, raw frame), rebroadcast server, defaults for new cameras.
#include <QDialog>

#include "config/app_settings.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace vigil {

class SettingsDialog : public QDialog {
    Q_OBJECT
public:
    SettingsDialog(const AppSettings& settings, bool rebroadcastAvailable, QWidget* parent = nullptr);
    AppSettings settings() const;   // cameras and window state are passed through unchanged

private:
    void validate();

    AppSettings m_base;
    QLineEdit* m_folder;
    QComboBox* m_format;
    QCheckBox* m_raw;
    QCheckBox* m_rbEnabled;
    QLineEdit* m_rbBind;
    QSpinBox* m_rbPort;
    QLineEdit* m_rbToken;
    QLabel* m_rbError;
    QSpinBox* m_skip;
    QSpinBox* m_fps;
};

} // namespace vigil
