#pragma once
// "Add remote node": another Vigil (run with its rebroadcast server on) whose cameras become
// tiles here and whose events come into the local events. Name, base URL and token; "Test" asks
// the node for its cameras and lists them.
#include <QDialog>
#include <QStringList>

#include "remote/remote_node_config.h"

class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QNetworkAccessManager;
class QPushButton;

namespace vigil {

class RemoteNodeDialog : public QDialog {
    Q_OBJECT
public:
    // takenNames: names of the nodes there are (a new one must differ).
    explicit RemoteNodeDialog(const QStringList& takenNames, QWidget* parent = nullptr);

    RemoteNodeConfig config() const;
    void setConfig(const RemoteNodeConfig& config);
    QString validationError() const;   // empty when the fields make a usable node
    void testConnection();
    QString testMessage() const;
    QStringList testedCameras() const;  // what the last test listed: "<name> (<id>)"

    void accept() override;

signals:
    void testFinished(bool ok, const QString& message);

private:
    void validate();

    QStringList m_taken;
    QLineEdit* m_name;
    QLineEdit* m_url;
    QLineEdit* m_token;
    QPushButton* m_test;
    QLabel* m_status;
    QListWidget* m_cameras;
    QDialogButtonBox* m_buttons;
    QNetworkAccessManager* m_nam;
    int m_testSerial = 0;
};

} // namespace vigil
