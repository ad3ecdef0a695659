#pragma once
// App settings: snapshots (folder, format, raw frame), rebroadcast server, defaults for new cameras
// (the General page), and MQTT / Home Assistant (the MQTT page).
#include <QDialog>

#include "config/app_settings.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QSpinBox;
class QWidget;

namespace vigil {

class SettingsDialog : public QDialog {
    Q_OBJECT
public:
    SettingsDialog(const AppSettings& settings, bool rebroadcastAvailable, QWidget* parent = nullptr);
    AppSettings settings() const;   // cameras and window state are passed through unchanged

private:
    void validate();
    QWidget* makeMqttPage(const MqttSettings& mqtt);
    QString mqttError() const;

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
    QCheckBox* m_mqttEnabled;
    QLineEdit* m_mqttHost;
    QSpinBox* m_mqttPort;
    QLineEdit* m_mqttUser;
    QLineEdit* m_mqttPassword;
    QCheckBox* m_mqttTls;
    QLineEdit* m_mqttCaFile;
    QLineEdit* m_mqttClientId;
    QLineEdit* m_mqttPrefix;
    QCheckBox* m_mqttDiscovery;
    QLineEdit* m_mqttDiscoveryPrefix;
    QSpinBox* m_mqttStats;
    QSpinBox* m_mqttQuiet;
    QLabel* m_mqttError;
};

} // namespace vigil
