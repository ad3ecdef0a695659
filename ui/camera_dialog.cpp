#include "camera_dialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QScreen>
#include <QScrollArea>
#include <QSlider>
#include <QSpinBox>
#include <QStyle>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "capture/connection_test.h"
#include "detection/detector.h"
#include "detection/model_manifest.h"
#include "mask_dialog.h"
#include "zone_dialog.h"

namespace vigil {

namespace {
constexpr int kThumbW = 240, kThumbH = 180;
}

CameraDialog::CameraDialog(const CameraConfig& config, bool editing, QWidget* parent)
    : QDialog(parent), m_base(config), m_tester(new ConnectionTest(this))
{
    setObjectName(QStringLiteral("cameraDialog"));
    setWindowTitle(editing ? tr("Edit camera") : tr("Add camera"));
    setMinimumWidth(720);

    m_name = new QLineEdit(this);
    m_name->setObjectName("name");
    m_name->setPlaceholderText(tr("e.g. Front door"));
    m_url = new QLineEdit(this);
    m_url->setObjectName("url");
    m_url->setPlaceholderText(QStringLiteral("http://192.168.1.50:81/stream"));
    m_urlError = new QLabel(this);
    m_urlError->setObjectName("error");
    m_urlError->setWordWrap(true);
    m_user = new QLineEdit(this);
    m_user->setObjectName("user");
    m_user->setPlaceholderText(tr("optional"));
    m_password = new QLineEdit(this);
    m_password->setObjectName("password");
    m_password->setEchoMode(QLineEdit::Password);
    m_password->setPlaceholderText(tr("optional"));

    m_skip = new QSpinBox(this);
    m_skip->setObjectName("skipFrames");
    m_skip->setRange(1, 30);
    m_skip->setToolTip(tr("Process every Nth frame read from the camera (1 = every frame)"));
    m_fps = new QSpinBox(this);
    m_fps->setObjectName("maxFps");
    m_fps->setRange(1, 30);
    m_fps->setSuffix(tr(" fps"));
    m_fps->setToolTip(tr("At most this many processed frames per second"));

    m_detectMode = new QComboBox(this);
    m_detectMode->setObjectName("detectMode");
    m_detectMode->addItem(tr("Motion — detect where something moves"), int(DetectMode::Motion));
    m_detectMode->addItem(tr("Always — every processed frame"), int(DetectMode::Always));
    m_detectMode->addItem(tr("Off — show frames only"), int(DetectMode::Off));
    m_detectMode->setToolTip(tr("Motion: the detector looks only where something moved, plus a whole frame "
                                "every heartbeat; far less CPU on quiet scenes.\n"
                                "Always: every processed frame is run through the detector.\n"
                                "Off: no detection; motion is still measured and shown."));
    m_model = new QLineEdit(this);
    m_model->setObjectName("model");
    m_model->setPlaceholderText(tr("default model"));
    m_model->setClearButtonEnabled(true);
    m_modelBrowse = new QPushButton(tr("Choose"), this);
    m_modelBrowse->setObjectName("chooseModel");
    m_modelBrowse->setToolTip(tr("Pick an installed model, or browse for a model file"));
    m_modelBrowse->setMenu(new QMenu(m_modelBrowse));
    connect(m_modelBrowse->menu(), &QMenu::aboutToShow, this, &CameraDialog::fillModelMenu);
    m_modelStatus = new QLabel(this);
    m_modelStatus->setObjectName("hint");
    m_modelStatus->setWordWrap(true);
    m_classes = new QLineEdit(this);
    m_classes->setObjectName("classes");
    m_classes->setPlaceholderText(tr("all classes; or e.g. person, car, dog"));
    m_confidence = new QDoubleSpinBox(this);
    m_confidence->setObjectName("confidence");
    m_confidence->setRange(0.05, 0.95);
    m_confidence->setSingleStep(0.05);
    m_confidence->setDecimals(2);

    m_motionThreshold = new QSpinBox(this);
    m_motionThreshold->setObjectName("motionThreshold");
    m_motionThreshold->setRange(1, 255);
    m_motionThreshold->setToolTip(tr("How much a pixel's brightness must change to count as motion (1..255).\n"
                                     "Higher ignores noise, rain and compression; lower catches faint changes."));
    m_motionThresholdSlider = new QSlider(Qt::Horizontal, this);
    m_motionThresholdSlider->setObjectName("motionThresholdSlider");
    m_motionThresholdSlider->setRange(1, 255);
    m_motionThresholdSlider->setToolTip(m_motionThreshold->toolTip());
    connect(m_motionThresholdSlider, &QSlider::valueChanged, m_motionThreshold, &QSpinBox::setValue);
    connect(m_motionThreshold, &QSpinBox::valueChanged, m_motionThresholdSlider, &QSlider::setValue);
    m_motionMinArea = new QDoubleSpinBox(this);
    m_motionMinArea->setObjectName("motionMinArea");
    m_motionMinArea->setRange(0, 100);
    m_motionMinArea->setDecimals(2);
    m_motionMinArea->setSingleStep(0.05);
    m_motionMinArea->setSuffix(QStringLiteral(" %"));
    m_motionMinArea->setToolTip(tr("Smallest moving region that counts, as a share of the frame"));
    m_heartbeat = new QSpinBox(this);
    m_heartbeat->setObjectName("heartbeat");
    m_heartbeat->setRange(1, 86400);
    m_heartbeat->setSuffix(tr(" s"));
    m_heartbeat->setToolTip(tr("Motion mode: the whole frame is run through the detector at least this often, "
                               "so objects that stand still are still seen"));
    m_editMasks = new QPushButton(tr("Edit motion masks…"), this);
    m_editMasks->setObjectName("editMasks");
    m_editMasks->setToolTip(tr("Draw areas where motion is ignored, on a live frame of this camera"));
    m_masksSummary = new QLabel(this);
    m_masksSummary->setObjectName("masksSummary");
    connect(m_editMasks, &QPushButton::clicked, this, [this] { openMaskEditor(); });

    m_recordEvents = new QCheckBox(tr("Record events"), this);
    m_recordEvents->setObjectName("recordEvents");
    m_recordEvents->setToolTip(tr("Tracked objects of the chosen labels become events, with a snapshot and a clip"));
    m_notify = new QCheckBox(tr("Desktop notification when an event starts"), this);
    m_notify->setObjectName("notifyEvents");
    m_notify->setToolTip(tr("A message in the system tray with the label and a picture; click it to open the event. "
                            "At most one a minute per label"));
    m_editZones = new QPushButton(tr("Zones and labels…"), this);
    m_editZones->setObjectName("editZones");
    m_editZones->setToolTip(tr("Draw zones and choose which objects make events, on a live frame of this camera"));
    m_zonesSummary = new QLabel(this);
    m_zonesSummary->setObjectName("zonesSummary");
    m_zonesSummary->setWordWrap(true);
    connect(m_editZones, &QPushButton::clicked, this, [this] { openZoneEditor(); });
    connect(m_recordEvents, &QCheckBox::toggled, this, [this](bool on) {
        m_events.enabled = on;
        m_notify->setEnabled(on);
    });
    connect(m_notify, &QCheckBox::toggled, this, [this](bool on) { m_events.notify = on; });

    auto* source = new QGroupBox(tr("Stream"), this);
    auto* sf = new QFormLayout(source);
    sf->addRow(tr("Name"), m_name);
    sf->addRow(tr("URL"), m_url);
    sf->addRow(QString(), m_urlError);
    sf->addRow(tr("User"), m_user);
    sf->addRow(tr("Password"), m_password);

    auto* gate = new QGroupBox(tr("Frame rate"), this);
    auto* gf = new QFormLayout(gate);
    gf->addRow(tr("Process every Nth frame"), m_skip);
    gf->addRow(tr("Max processed FPS"), m_fps);

    auto* det = new QGroupBox(tr("Detection"), this);
    auto* df = new QFormLayout(det);
    auto* modelRow = new QHBoxLayout;
    modelRow->addWidget(m_model, 1);
    modelRow->addWidget(m_modelBrowse);
    df->addRow(tr("Detect"), m_detectMode);
    df->addRow(tr("Model"), modelRow);
    df->addRow(QString(), m_modelStatus);
    df->addRow(tr("Classes"), m_classes);
    df->addRow(tr("Confidence"), m_confidence);

    auto* motion = new QGroupBox(tr("Motion"), this);
    auto* mf = new QFormLayout(motion);
    auto* thresholdRow = new QHBoxLayout;
    thresholdRow->addWidget(m_motionThresholdSlider, 1);
    thresholdRow->addWidget(m_motionThreshold);
    mf->addRow(tr("Threshold"), thresholdRow);
    mf->addRow(tr("Minimum area"), m_motionMinArea);
    mf->addRow(tr("Heartbeat"), m_heartbeat);
    auto* masksRow = new QHBoxLayout;
    masksRow->addWidget(m_editMasks);
    masksRow->addWidget(m_masksSummary, 1);
    mf->addRow(tr("Masks"), masksRow);

    auto* events = new QGroupBox(tr("Events"), this);
    auto* ef = new QFormLayout(events);
    ef->addRow(m_recordEvents);
    auto* zonesRow = new QHBoxLayout;
    zonesRow->addWidget(m_editZones);
    zonesRow->addWidget(m_zonesSummary, 1);
    ef->addRow(tr("Zones"), zonesRow);
    ef->addRow(m_notify);

    m_test = new QPushButton(tr("Test connection"), this);
    m_test->setObjectName("testButton");
    m_thumbnail = new QLabel(this);
    m_thumbnail->setFixedSize(kThumbW, kThumbH);
    m_thumbnail->setAlignment(Qt::AlignCenter);
    m_thumbnail->setStyleSheet(QStringLiteral("background: #0d1014; border: 1px solid #2e343c; border-radius: 4px; color: #6e7681;"));
    m_thumbnail->setText(tr("No preview"));
    m_testResult = new QLabel(this);
    m_testResult->setObjectName("hint");
    m_testResult->setWordWrap(true);
    m_testResult->setFixedWidth(kThumbW);
    m_testResult->setAlignment(Qt::AlignTop | Qt::AlignLeft);

    auto* right = new QVBoxLayout;
    right->addWidget(m_thumbnail);
    right->addWidget(m_test);
    right->addWidget(m_testResult, 1);

    // The settings scroll when the dialog is small (laptops, scaled displays); the buttons do not.
    auto* leftPanel = new QWidget;
    auto* left = new QVBoxLayout(leftPanel);
    left->setContentsMargins(0, 0, 4, 0);
    left->addWidget(source);
    left->addWidget(gate);
    left->addWidget(det);
    left->addWidget(motion);
    left->addWidget(events);
    left->addStretch(1);
    auto* scroll = new QScrollArea(this);
    scroll->setObjectName("settingsScroll");
    scroll->setWidget(leftPanel);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setMinimumHeight(200);
    // Fully shown when the screen has room: the scroll area asks for the panel's own height.
    scroll->setSizeAdjustPolicy(QAbstractScrollArea::AdjustToContents);

    auto* columns = new QHBoxLayout;
    columns->addWidget(scroll, 1);
    columns->addSpacing(8);
    columns->addLayout(right);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(editing ? tr("Save") : tr("Add camera"));
    m_buttons->button(QDialogButtonBox::Ok)->setObjectName("primary");
    connect(m_buttons, &QDialogButtonBox::accepted, this, &CameraDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &CameraDialog::reject);

    auto* main = new QVBoxLayout(this);
    main->addLayout(columns);
    main->addWidget(m_buttons);

    connect(m_url, &QLineEdit::textChanged, this, &CameraDialog::validate);
    connect(m_detectMode, &QComboBox::currentIndexChanged, this, &CameraDialog::updateDetectionFields);
    connect(m_model, &QLineEdit::textChanged, this, &CameraDialog::updateDetectionFields);
    connect(m_test, &QPushButton::clicked, this, &CameraDialog::testConnection);
    connect(m_tester, &ConnectionTest::finished, this, [this](bool ok, const QImage& image, const QString& message) {
        m_test->setEnabled(true);
        m_test->setText(tr("Test connection"));
        if (ok) {
            m_testImage = image;
            m_thumbnail->setPixmap(QPixmap::fromImage(
                image.scaled(m_thumbnail->size() - QSize(2, 2), Qt::KeepAspectRatio, Qt::SmoothTransformation)));
        } else {
            m_thumbnail->setPixmap({});
            m_thumbnail->setText(tr("No picture"));
        }
        m_testResult->setObjectName(ok ? "ok" : "error");
        m_testResult->style()->unpolish(m_testResult);
        m_testResult->style()->polish(m_testResult);
        m_testResult->setText(message);
        emit testFinished(ok, message);
    });

    setConfig(config);
    m_name->setFocus();
    // Tall enough to show every setting without scrolling, when the screen has that room (the
    // scroll area alone would ask for a capped height).
    const int wanted = leftPanel->sizeHint().height() + m_buttons->sizeHint().height()
                       + main->contentsMargins().top() + main->contentsMargins().bottom() + main->spacing();
    const int room = screen()->availableGeometry().height() - 60;
    resize(std::max(minimumWidth(), sizeHint().width()), std::min(wanted, std::max(room, 400)));
}

void CameraDialog::setConfig(const CameraConfig& c)
{
    m_base = c;
    m_name->setText(c.name.isEmpty() ? c.id : c.name);
    QUrl url = c.url;
    // Credentials live in their own fields, never shown in the URL.
    QString user = c.user, password = c.password;
    if (user.isEmpty() && !url.userName().isEmpty()) {
        user = url.userName();
        password = url.password();
    }
    url.setUserInfo({});
    m_url->setText(url.isEmpty() ? QString() : url.toString());
    m_user->setText(user);
    m_password->setText(password);
    m_skip->setValue(c.skipFrames);
    m_fps->setValue(qBound(1, int(std::lround(c.maxFps)), 30));
    m_detectMode->setCurrentIndex(std::max(0, m_detectMode->findData(int(c.detect))));
    m_model->setText(c.detector.modelPath);
    m_classes->setText(c.detector.classFilter.join(QStringLiteral(", ")));
    m_confidence->setValue(c.detector.confThreshold);
    m_motionThreshold->setValue(c.motion.threshold);
    m_motionMinArea->setValue(c.motion.minAreaPct);
    m_heartbeat->setValue(c.heartbeatS);
    setMasks(c.motion.masks);
    setEvents(c.events);
    validate();
    updateDetectionFields();
}

CameraConfig CameraDialog::config() const
{
    CameraConfig c = m_base;
    c.name = m_name->text().trimmed();
    // No guessing: "example.com" is reported as missing http://, not silently fixed.
    c.url = QUrl(m_url->text().trimmed());
    c.url.setUserInfo({});
    c.user = m_user->text();
    c.password = m_password->text();
    c.skipFrames = m_skip->value();
    c.maxFps = m_fps->value();
    c.detect = DetectMode(m_detectMode->currentData().toInt());
    c.motion.threshold = m_motionThreshold->value();
    c.motion.minAreaPct = m_motionMinArea->value();
    c.motion.masks = m_masks;
    c.events = m_events;
    c.heartbeatS = m_heartbeat->value();
    c.detector.modelPath = m_model->text().trimmed();
    QStringList classes;
    for (const QString& s : m_classes->text().split(',', Qt::SkipEmptyParts))
        if (!s.trimmed().isEmpty())
            classes << s.trimmed();
    c.detector.classFilter = classes;
    c.detector.confThreshold = float(m_confidence->value());
    if (c.name.isEmpty())
        c.name = c.url.host();
    return c;
}

QString CameraDialog::urlError() const
{
    return CameraConfig::validateUrl(config().url);
}

QString CameraDialog::testMessage() const { return m_testResult->text(); }

void CameraDialog::validate()
{
    const QString error = m_url->text().trimmed().isEmpty() ? QString() : urlError();
    m_urlError->setText(error.isEmpty() ? QString() : error.left(1).toUpper() + error.mid(1));
    m_urlError->setVisible(!error.isEmpty());
    const bool ok = urlError().isEmpty();
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(ok);
    m_test->setEnabled(ok && !m_tester->isRunning());
}

void CameraDialog::updateDetectionFields()
{
    const DetectMode mode = DetectMode(m_detectMode->currentData().toInt());
    const bool on = mode != DetectMode::Off;
    m_heartbeat->setEnabled(mode == DetectMode::Motion);
    for (QWidget* w : {static_cast<QWidget*>(m_model), static_cast<QWidget*>(m_modelBrowse),
                       static_cast<QWidget*>(m_classes), static_cast<QWidget*>(m_confidence)})
        w->setEnabled(on);
    if (!on) {
        m_modelStatus->setText(tr("Detection off: frames are shown as they come."));
        return;
    }
    const QString requested = m_model->text().trimmed();
    const QString resolved = resolveModelPath(requested);
    // Short text in the dialog; the full how-to in the tooltip.
    m_modelStatus->setToolTip(QString());
    if (!requested.isEmpty() && !QFileInfo::exists(requested)) {
        m_modelStatus->setText(tr("File not found: %1").arg(QFileInfo(requested).fileName()));
        m_modelStatus->setToolTip(requested);
    } else if (resolved.isEmpty()) {
        m_modelStatus->setText(tr("No model installed: frames are shown without detection (hover for help)"));
        m_modelStatus->setToolTip(modelHelpText());
    } else {
        m_modelStatus->setText(tr("Uses %1").arg(QFileInfo(resolved).fileName()));
        m_modelStatus->setToolTip(resolved);
    }
}

void CameraDialog::setMasks(const QList<RelativePolygon>& masks)
{
    m_masks = masks;
    m_masksSummary->setText(masks.isEmpty() ? tr("none: motion counts everywhere")
                                            : masks.size() == 1 ? tr("1 masked area")
                                                                : tr("%1 masked areas").arg(masks.size()));
}

MaskDialog* CameraDialog::openMaskEditor()
{
    auto* dlg = new MaskDialog(m_masks, m_frameSource, m_testImage, this);
    dlg->setWindowTitle(tr("Motion masks — %1").arg(config().displayName()));
    dlg->setAttribute(Qt::WA_DeleteOnClose);
    connect(dlg, &QDialog::accepted, this, [this, dlg] { setMasks(dlg->masks()); });
    dlg->open();
    return dlg;
}

void CameraDialog::setEvents(const CameraEventConfig& events)
{
    m_events = events;
    m_recordEvents->setChecked(events.enabled);
    m_notify->setChecked(events.notify);
    m_notify->setEnabled(events.enabled);
    int required = 0;
    for (const Zone& z : events.zones)
        required += z.required;
    QString zones = events.zones.isEmpty() ? tr("no zones")
                                           : tr("%n zone(s)", nullptr, int(events.zones.size()));
    if (required)
        zones += tr(" (%1 required)").arg(required);
    const QString labels = events.labels.isEmpty() ? tr("no labels: no events") : events.labels.join(QStringLiteral(", "));
    m_zonesSummary->setText(zones + QStringLiteral(" · ") + labels);
}

ZoneDialog* CameraDialog::openZoneEditor()
{
    auto* dlg = new ZoneDialog(m_events.zones, m_events.labels, m_masks, m_frameSource, m_testImage, this);
    dlg->setWindowTitle(tr("Zones and events — %1").arg(config().displayName()));
    dlg->setAttribute(Qt::WA_DeleteOnClose);
    connect(dlg, &QDialog::accepted, this, [this, dlg] {
        CameraEventConfig e = m_events;
        e.zones = dlg->zones();
        e.labels = dlg->labels();
        setEvents(e);
    });
    dlg->open();
    return dlg;
}

void CameraDialog::fillModelMenu()
{
    QMenu* menu = m_modelBrowse->menu();
    menu->clear();
    menu->addAction(tr("Default model"), this, [this] { m_model->clear(); });
    const QStringList installed = installedModels();
    if (!installed.isEmpty()) {
        menu->addSection(tr("Installed"));
        for (const QString& path : installed) {
            const ManifestModel* m = findManifestModel(path);
            QAction* a = menu->addAction(m ? QStringLiteral("%1  (%2)").arg(m->name, QFileInfo(path).fileName())
                                           : QFileInfo(path).fileName(),
                                         this, [this, path] { m_model->setText(path); });
            a->setToolTip(path);
        }
    }
    menu->addSeparator();
    menu->addAction(tr("Browse for a file…"), this, &CameraDialog::browseModel);
}

void CameraDialog::browseModel()
{
    const QString file = QFileDialog::getOpenFileName(this, tr("Choose a detection model"), QString(),
                                                      tr("Models (*.onnx *.cfg);;All files (*)"));
    if (!file.isEmpty())
        m_model->setText(file);
}

void CameraDialog::testConnection()
{
    if (!urlError().isEmpty())
        return;
    m_test->setEnabled(false);
    m_test->setText(tr("Testing…"));
    m_thumbnail->setPixmap({});
    m_thumbnail->setText(tr("Connecting…"));
    m_testResult->setObjectName("hint");
    m_testResult->style()->unpolish(m_testResult);
    m_testResult->style()->polish(m_testResult);
    m_testResult->setText(tr("Fetching one frame from %1…").arg(config().url.host()));
    m_tester->start(config());
}

void CameraDialog::accept()
{
    if (!urlError().isEmpty()) {
        validate();
        m_url->setFocus();
        return;
    }
    m_tester->cancel();
    QDialog::accept();
}

} // namespace vigil
