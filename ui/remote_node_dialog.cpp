#include "remote_node_dialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QNetworkAccessManager>
#include <QPushButton>
#include <QVBoxLayout>

#include "config/camera_config.h"
#include "remote/remote_api.h"

namespace vigil {

RemoteNodeDialog::RemoteNodeDialog(const QStringList& takenNames, QWidget* parent)
    : QDialog(parent), m_taken(takenNames), m_nam(new QNetworkAccessManager(this))
{
    setObjectName(QStringLiteral("remoteNodeDialog"));
    setWindowTitle(tr("Add remote node"));
    m_name = new QLineEdit(this);
    m_name->setObjectName(QStringLiteral("remoteName"));
    m_name->setPlaceholderText(tr("e.g. garage"));
    m_name->setMaxLength(40);
    m_url = new QLineEdit(this);
    m_url->setObjectName(QStringLiteral("remoteUrl"));
    m_url->setPlaceholderText(QStringLiteral("http://192.168.1.20:8081"));
    m_token = new QLineEdit(this);
    m_token->setObjectName(QStringLiteral("remoteToken"));
    m_token->setEchoMode(QLineEdit::Password);
    m_token->setPlaceholderText(tr("the node's rebroadcast token (if it has one)"));
    m_test = new QPushButton(tr("Test"), this);
    m_test->setObjectName(QStringLiteral("remoteTest"));
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("remoteStatus"));
    m_status->setWordWrap(true);
    m_cameras = new QListWidget(this);
    m_cameras->setObjectName(QStringLiteral("remoteCameras"));
    m_cameras->setMaximumHeight(140);
    m_cameras->hide();

    auto* form = new QFormLayout;
    form->addRow(tr("Name"), m_name);
    form->addRow(tr("URL"), m_url);
    form->addRow(tr("Token"), m_token);
    auto* hint = new QLabel(tr("Another Vigil with its rebroadcast server on (vigil --headless --ws-port …). "
                               "Its cameras appear here as tiles and its events join yours."), this);
    hint->setWordWrap(true);
    hint->setStyleSheet(QStringLiteral("color: #8b949e;"));
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Add"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &RemoteNodeDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &RemoteNodeDialog::reject);
    connect(m_test, &QPushButton::clicked, this, &RemoteNodeDialog::testConnection);
    for (QLineEdit* e : {m_name, m_url, m_token})
        connect(e, &QLineEdit::textChanged, this, &RemoteNodeDialog::validate);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(hint);
    layout->addLayout(form);
    auto* testRow = new QHBoxLayout;
    testRow->addWidget(m_test);
    testRow->addWidget(m_status, 1);
    layout->addLayout(testRow);
    layout->addWidget(m_cameras);
    layout->addWidget(m_buttons);
    resize(480, sizeHint().height());
    validate();
}

RemoteNodeConfig RemoteNodeDialog::config() const
{
    RemoteNodeConfig c;
    c.name = m_name->text().trimmed();
    c.url = QUrl::fromUserInput(m_url->text().trimmed());
    if (m_url->text().trimmed().isEmpty())
        c.url = QUrl();
    c.token = m_token->text();
    return c;
}

void RemoteNodeDialog::setConfig(const RemoteNodeConfig& config)
{
    m_name->setText(config.name);
    m_url->setText(config.url.toString());
    m_token->setText(config.token);
}

QString RemoteNodeDialog::validationError() const
{
    const RemoteNodeConfig c = config();
    if (const QString why = c.validate(); !why.isEmpty())
        return why;
    for (const QString& taken : m_taken)
        if (taken.compare(c.name, Qt::CaseInsensitive) == 0)
            return tr("a remote node named \"%1\" exists already").arg(c.name);
    return {};
}

void RemoteNodeDialog::validate()
{
    const RemoteNodeConfig c = config();
    m_test->setEnabled(CameraConfig::validateUrl(c.url).isEmpty());
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(validationError().isEmpty());
}

void RemoteNodeDialog::testConnection()
{
    const RemoteNodeConfig c = config();
    const int serial = ++m_testSerial;
    m_status->setText(tr("Asking the node for its cameras…"));
    m_cameras->clear();
    m_cameras->hide();
    getFromNode(m_nam, nodeUrl(c.url, QStringLiteral("/api/cameras")), c.token, 1024 * 1024, this,
                [this, serial](const NodeReply& r) {
        if (serial != m_testSerial)
            return;  // an older test
        QString message;
        bool ok = false;
        if (!r.ok()) {
            message = r.unauthorised() ? tr("Unauthorised: %1. Check the token.").arg(r.error) : tr("Unreachable: %1").arg(r.error);
        } else {
            QString why;
            const std::optional<QList<RemoteCamera>> cams = parseRemoteCameras(r.body, &why);
            if (!cams) {
                message = why;
            } else {
                ok = true;
                for (const RemoteCamera& cam : *cams)
                    m_cameras->addItem(QStringLiteral("%1 (%2)").arg(cam.name.isEmpty() ? cam.id : cam.name, cam.id));
                m_cameras->setVisible(!cams->isEmpty());
                message = cams->isEmpty() ? tr("Connected; the node has no cameras yet.")
                                          : tr("Connected: %n camera(s).", nullptr, int(cams->size()));
            }
        }
        m_status->setText(message);
        m_status->setStyleSheet(ok ? QStringLiteral("color: #3fb950;") : QStringLiteral("color: #f85149;"));
        emit testFinished(ok, message);
    });
}

QString RemoteNodeDialog::testMessage() const { return m_status->text(); }

QStringList RemoteNodeDialog::testedCameras() const
{
    QStringList out;
    for (int i = 0; i < m_cameras->count(); ++i)
        out << m_cameras->item(i)->text();
    return out;
}

void RemoteNodeDialog::accept()
{
    if (const QString why = validationError(); !why.isEmpty()) {
        m_status->setText(why);
        return;
    }
    QDialog::accept();
}

} // namespace vigil
