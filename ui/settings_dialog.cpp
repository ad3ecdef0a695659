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
#include <QTabWidget>
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

    auto* general = new QWidget(this);
    auto* gcol = new QVBoxLayout(general);
    gcol->addWidget(snap);
    gcol->addWidget(rb);
    gcol->addWidget(def);
    gcol->addStretch(1);
    auto* tabs = new QTabWidget(this);
    tabs->setObjectName("settingsTabs");
    tabs->addTab(general, tr("General"));
    tabs->addTab(makeMqttPage(settings.mqtt), tr("MQTT"));
    auto* col = new QVBoxLayout(this);
    col->addWidget(tabs);
    col->addWidget(buttons);

    auto revalidate = [this, buttons] {
        validate();
        buttons->button(QDialogButtonBox::Ok)->setEnabled(m_rbError->text().isEmpty() && m_mqttError->text().isEmpty());
    };
    connect(m_rbBind, &QLineEdit::textChanged, this, revalidate);
    connect(m_rbEnabled, &QCheckBox::toggled, this, revalidate);
    for (QLineEdit* e : {m_mqttHost, m_mqttPrefix, m_mqttDiscoveryPrefix})
        connect(e, &QLineEdit::textChanged, this, revalidate);
    for (QCheckBox* c : {m_mqttEnabled, m_mqttTls, m_mqttDiscovery})
        connect(c, &QCheckBox::toggled, this, revalidate);
    revalidate();
}

QWidget* SettingsDialog::makeMqttPage(const MqttSettings& m)
{
    auto* page = new QWidget(this);
    auto line = [&](const char* name, const QString& text, const QString& placeholder = {}) {
        auto* e = new QLineEdit(text, page);
        e->setObjectName(QLatin1String(name));
        e->setPlaceholderText(placeholder);
        return e;
    };
    auto spin = [&](const char* name, int lo, int hi, int value, const QString& suffix = {}) {
        auto* s = new QSpinBox(page);
        s->setObjectName(QLatin1String(name));
        s->setRange(lo, hi);
        s->setValue(value);
        s->setSuffix(suffix);
        return s;
    };
    m_mqttEnabled = new QCheckBox(tr("Publish to an MQTT broker (events, counts, motion, status, stats)"), page);
    m_mqttEnabled->setObjectName("mqttEnabled");
    m_mqttEnabled->setChecked(m.enabled);
    m_mqttHost = line("mqttHost", m.host, tr("e.g. homeassistant.local or 192.168.1.10"));
    m_mqttPort = spin("mqttPort", 1, 65535, m.port);
    m_mqttUser = line("mqttUser", m.username, tr("none (anonymous)"));
    m_mqttPassword = line("mqttPassword", m.password);
    m_mqttPassword->setEchoMode(QLineEdit::Password);
    m_mqttTls = new QCheckBox(tr("TLS (mqtts; usually port 8883)"), page);
    m_mqttTls->setObjectName("mqttTls");
    m_mqttTls->setChecked(m.tls);
    m_mqttCaFile = line("mqttCaFile", m.caFile, tr("the system's certificate authorities"));
    auto* browse = new QPushButton(tr("Browse…"), page);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString f = QFileDialog::getOpenFileName(this, tr("CA certificate"), m_mqttCaFile->text(),
                                                       tr("Certificates (*.pem *.crt);;All files (*)"));
        if (!f.isEmpty())
            m_mqttCaFile->setText(QDir::toNativeSeparators(f));
    });
    auto* caRow = new QHBoxLayout;
    caRow->addWidget(m_mqttCaFile, 1);
    caRow->addWidget(browse);
    m_mqttClientId = line("mqttClientId", m.clientId, MqttSettings().effectiveClientId());
    m_mqttPrefix = line("mqttPrefix", m.topicPrefix);
    m_mqttPrefix->setToolTip(tr("Every topic and Home Assistant id starts with it: <prefix>/available, "
                                "<prefix>/events, <prefix>/<camera>/..."));
    m_mqttDiscovery = new QCheckBox(tr("Home Assistant discovery (one device per camera)"), page);
    m_mqttDiscovery->setObjectName("mqttDiscovery");
    m_mqttDiscovery->setChecked(m.discovery);
    m_mqttDiscoveryPrefix = line("mqttDiscoveryPrefix", m.discoveryPrefix);
    m_mqttStats = spin("mqttStatsInterval", 1, 86400, m.statsIntervalS, tr(" s"));
    m_mqttQuiet = spin("mqttMotionQuiet", 1, 86400, m.motionQuietS, tr(" s"));
    m_mqttQuiet->setToolTip(tr("Motion turns OFF after this long without motion"));
    m_mqttError = new QLabel(page);
    m_mqttError->setObjectName("mqttError");
    m_mqttError->setWordWrap(true);

    auto* f = new QFormLayout(page);
    f->addRow(m_mqttEnabled);
    f->addRow(tr("Broker"), m_mqttHost);
    f->addRow(tr("Port"), m_mqttPort);
    f->addRow(tr("User name"), m_mqttUser);
    f->addRow(tr("Password"), m_mqttPassword);
    f->addRow(QString(), m_mqttTls);
    f->addRow(tr("CA certificate"), caRow);
    f->addRow(tr("Client id"), m_mqttClientId);
    f->addRow(tr("Topic prefix"), m_mqttPrefix);
    f->addRow(QString(), m_mqttDiscovery);
    f->addRow(tr("Discovery prefix"), m_mqttDiscoveryPrefix);
    f->addRow(tr("Statistics every"), m_mqttStats);
    f->addRow(tr("Motion quiet time"), m_mqttQuiet);
    f->addRow(m_mqttError);
    return page;
}

QString SettingsDialog::mqttError() const
{
    if (!m_mqttEnabled->isChecked())
        return {};
    if (m_mqttHost->text().trimmed().isEmpty())
        return tr("Enter the broker's host name or address");
    if (!isValidTopicPrefix(m_mqttPrefix->text().trimmed()))
        return tr("The topic prefix must not be empty or contain + or # or empty levels");
    if (m_mqttDiscovery->isChecked() && !isValidTopicPrefix(m_mqttDiscoveryPrefix->text().trimmed()))
        return tr("The discovery prefix must not be empty or contain + or # or empty levels");
    return {};
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
    const QString mqtt = mqttError();
    m_mqttError->setText(mqtt);
    m_mqttError->setVisible(!mqtt.isEmpty());
    const bool on = m_mqttEnabled->isChecked();
    for (QWidget* w : std::initializer_list<QWidget*>{m_mqttHost, m_mqttPort, m_mqttUser, m_mqttPassword, m_mqttTls,
                                                      m_mqttClientId, m_mqttPrefix, m_mqttDiscovery, m_mqttStats, m_mqttQuiet})
        w->setEnabled(on);
    m_mqttCaFile->setEnabled(on && m_mqttTls->isChecked());
    m_mqttDiscoveryPrefix->setEnabled(on && m_mqttDiscovery->isChecked());
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
    MqttSettings& m = s.mqtt;
    m.enabled = m_mqttEnabled->isChecked();
    m.host = m_mqttHost->text().trimmed();
    m.port = m_mqttPort->value();
    m.username = m_mqttUser->text().trimmed();
    m.password = m_mqttPassword->text();
    m.tls = m_mqttTls->isChecked();
    m.caFile = QDir::fromNativeSeparators(m_mqttCaFile->text().trimmed());
    m.clientId = m_mqttClientId->text().trimmed();
    if (isValidTopicPrefix(m_mqttPrefix->text().trimmed()))
        m.topicPrefix = m_mqttPrefix->text().trimmed();
    m.discovery = m_mqttDiscovery->isChecked();
    if (isValidTopicPrefix(m_mqttDiscoveryPrefix->text().trimmed()))
        m.discoveryPrefix = m_mqttDiscoveryPrefix->text().trimmed();
    m.statsIntervalS = m_mqttStats->value();
    m.motionQuietS = m_mqttQuiet->value();
    return s;
}

} // namespace vigil
