#include "settings_dialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHostAddress>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRandomGenerator>
#include <QSpinBox>
#include <QVBoxLayout>
#include <cmath>

namespace vigil {

SettingsDialog::SettingsDialog(const AppSettings& settings, bool rebroadcastAvailable, QWidget* parent)
    : QDialog(parent), m_base(settings)
{
    setObjectName(QStringLiteral("settingsDialog"));
    setWindowTitle(tr("Settings"));
    setMinimumWidth(520);

    // Snapshots
    m_folder = new QLineEdit(settings.effectiveSnapshotDir(), this);
    m_folder->setObjectName("snapshotFolder");
    auto* browse = new QPushButton(tr("Browse…"), this);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Snapshot folder"), m_folder->text());
        if (!dir.isEmpty())
            m_folder->setText(QDir::toNativeSeparators(dir));
    });
    auto* folderRow = new QHBoxLayout;
    folderRow->addWidget(m_folder, 1);
    folderRow->addWidget(browse);
    m_format = new QComboBox(this);
    m_format->setObjectName("snapshotFormat");
    m_format->addItem(tr("PNG (lossless)"), QStringLiteral("png"));
    m_format->addItem(tr("JPEG (smaller)"), QStringLiteral("jpeg"));
    m_format->setCurrentIndex(settings.snapshotFormat == "jpeg" ? 1 : 0);
    m_raw = new QCheckBox(tr("Also save the camera's original frame (raw JPEG)"), this);
    m_raw->setObjectName("snapshotRaw");
    m_raw->setChecked(settings.snapshotIncludeRaw);
    auto* snap = new QGroupBox(tr("Snapshots"), this);
    auto* sf = new QFormLayout(snap);
    sf->addRow(tr("Folder"), folderRow);
    sf->addRow(tr("Format"), m_format);
    sf->addRow(QString(), m_raw);

    // Rebroadcast
    m_rbEnabled = new QCheckBox(tr("Serve the annotated streams to browsers and other apps"), this);
    m_rbEnabled->setObjectName("rebroadcastEnabled");
    m_rbEnabled->setChecked(settings.rebroadcastEnabled);
    m_rbBind = new QLineEdit(settings.rebroadcastBind, this);
    m_rbBind->setObjectName("rebroadcastBind");
    m_rbBind->setToolTip(tr("127.0.0.1: this computer only; 0.0.0.0: every network interface"));
    m_rbPort = new QSpinBox(this);
    m_rbPort->setObjectName("rebroadcastPort");
    m_rbPort->setRange(1, 65535);
    m_rbPort->setValue(settings.rebroadcastPort > 0 ? settings.rebroadcastPort : 8081);
    m_rbToken = new QLineEdit(settings.rebroadcastToken, this);
    m_rbToken->setObjectName("rebroadcastToken");
    m_rbToken->setPlaceholderText(tr("none (anyone who can reach the port may watch)"));
    auto* generate = new QPushButton(tr("Generate"), this);
    connect(generate, &QPushButton::clicked, this, [this] {
        QByteArray bytes(12, Qt::Uninitialized);
        for (char& c : bytes)
            c = char(QRandomGenerator::system()->bounded(256));
        m_rbToken->setText(QString::fromLatin1(bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals)));
    });
    auto* tokenRow = new QHBoxLayout;
    tokenRow->addWidget(m_rbToken, 1);
    tokenRow->addWidget(generate);
    m_rbError = new QLabel(this);
    m_rbError->setObjectName("error");
    m_rbError->setWordWrap(true);
    auto* rb = new QGroupBox(tr("Rebroadcast"), this);
    auto* rf = new QFormLayout(rb);
    rf->addRow(m_rbEnabled);
    rf->addRow(tr("Listen on"), m_rbBind);
    rf->addRow(tr("Port"), m_rbPort);
    rf->addRow(tr("Access token"), tokenRow);
    rf->addRow(m_rbError);
    if (!rebroadcastAvailable) {
        rb->setEnabled(false);
        rb->setToolTip(tr("Rebroadcasting is not available in this build"));
    }

    // Defaults
    m_skip = new QSpinBox(this);
    m_skip->setObjectName("defaultSkip");
    m_skip->setRange(1, 30);
    m_skip->setValue(settings.defaultSkipFrames);
    m_fps = new QSpinBox(this);
    m_fps->setObjectName("defaultFps");
    m_fps->setRange(1, 30);
    m_fps->setSuffix(tr(" fps"));
    m_fps->setValue(qBound(1, int(std::lround(settings.defaultMaxFps)), 30));
    auto* def = new QGroupBox(tr("New cameras"), this);
    auto* df = new QFormLayout(def);
    df->addRow(tr("Process every Nth frame"), m_skip);
    df->addRow(tr("Max processed FPS"), m_fps);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setObjectName("primary");
    connect(buttons, &QDialogButtonBox::accepted, this, &SettingsDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &SettingsDialog::reject);

    auto* col = new QVBoxLayout(this);
    col->addWidget(snap);
    col->addWidget(rb);
    col->addWidget(def);
    col->addWidget(buttons);

    auto revalidate = [this, buttons] {
        validate();
        buttons->button(QDialogButtonBox::Ok)->setEnabled(m_rbError->text().isEmpty());
    };
    connect(m_rbBind, &QLineEdit::textChanged, this, revalidate);
    connect(m_rbEnabled, &QCheckBox::toggled, this, revalidate);
    revalidate();
}

void SettingsDialog::validate()
{
    QString error;
    if (m_rbEnabled->isChecked() && QHostAddress(m_rbBind->text().trimmed()).isNull())
        error = tr("\"%1\" is not an IP address (e.g. 127.0.0.1 or 0.0.0.0)").arg(m_rbBind->text().trimmed());
    m_rbError->setText(error);
    m_rbError->setVisible(!error.isEmpty());
    for (QWidget* w : {static_cast<QWidget*>(m_rbBind), static_cast<QWidget*>(m_rbPort), static_cast<QWidget*>(m_rbToken)})
        w->setEnabled(m_rbEnabled->isChecked());
}

AppSettings SettingsDialog::settings() const
{
    AppSettings s = m_base;
    const QString folder = QDir::fromNativeSeparators(m_folder->text().trimmed());
    s.snapshotDir = folder == AppSettings::defaultSnapshotDir() ? QString() : folder;
    s.snapshotFormat = m_format->currentData().toString();
    s.snapshotIncludeRaw = m_raw->isChecked();
    s.rebroadcastEnabled = m_rbEnabled->isChecked();
    s.rebroadcastBind = m_rbBind->text().trimmed();
    s.rebroadcastPort = m_rbPort->value();
    s.rebroadcastToken = m_rbToken->text().trimmed();
    s.defaultSkipFrames = m_skip->value();
    s.defaultMaxFps = m_fps->value();
    return s;
}

} // namespace vigil
