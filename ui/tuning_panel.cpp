#include "tuning_panel.h"

#include <QGridLayout>
#include <QLabel>
#include <QPushButton>
#include <QSlider>
#include <QVBoxLayout>
#include <cmath>

#include "pipeline/camera.h"
#include "camera_manager.h"

namespace vigil {

TuningPanel::TuningPanel(CameraManager* manager, QWidget* parent) : QWidget(parent), m_manager(manager)
{
    setObjectName(QStringLiteral("tuningPanel"));
    m_title = new QLabel(this);
    QFont f = m_title->font();
    f.setBold(true);
    m_title->setFont(f);

    auto makeSlider = [this](const char* name, const QString& tip) {
        auto* s = new QSlider(Qt::Horizontal, this);
        s->setObjectName(QLatin1String(name));
        s->setRange(1, 30);
        s->setPageStep(5);
        s->setTickPosition(QSlider::TicksBelow);
        s->setTickInterval(5);
        s->setToolTip(tip);
        connect(s, &QSlider::valueChanged, this, &TuningPanel::onSliderChanged);
        return s;
    };
    m_skip = makeSlider("skipSlider", tr("Process every Nth frame read from the camera"));
    m_fps = makeSlider("fpsSlider", tr("At most this many processed frames per second"));
    m_skipValue = new QLabel(this);
    m_fpsValue = new QLabel(this);
    for (QLabel* l : {m_skipValue, m_fpsValue}) {
        l->setMinimumWidth(56);
        l->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    }
    m_effect = new QLabel(this);
    m_effect->setObjectName(QStringLiteral("hint"));
    m_effect->setWordWrap(true);

    auto* grid = new QGridLayout;
    grid->addWidget(new QLabel(tr("Skip frames"), this), 0, 0);
    grid->addWidget(m_skip, 0, 1);
    grid->addWidget(m_skipValue, 0, 2);
    grid->addWidget(new QLabel(tr("Max FPS"), this), 1, 0);
    grid->addWidget(m_fps, 1, 1);
    grid->addWidget(m_fpsValue, 1, 2);
    grid->setColumnStretch(1, 1);

    auto* presetGrid = new QGridLayout;
    int i = 0;
    for (const GatePreset& p : kGatePresets) {
        auto* b = new QPushButton(QString::fromUtf8(p.name), this);
        b->setObjectName(QStringLiteral("preset%1").arg(i));
        b->setCheckable(true);
        b->setToolTip(tr("Every %1 frame(s), at most %2 FPS").arg(p.skipFrames).arg(p.maxFps));
        const int index = i;
        connect(b, &QPushButton::clicked, this, [this, index] { applyPreset(index); });
        presetGrid->addWidget(b, i / 2, i % 2);
        m_presets << b;
        ++i;
    }

    auto* col = new QVBoxLayout(this);
    col->addWidget(m_title);
    col->addLayout(grid);
    col->addWidget(m_effect);
    auto* presetsLabel = new QLabel(tr("Presets"), this);
    presetsLabel->setObjectName(QStringLiteral("hint"));
    col->addSpacing(4);
    col->addWidget(presetsLabel);
    col->addLayout(presetGrid);
    col->addStretch();
    setCamera(nullptr);
}

void TuningPanel::setCamera(Camera* camera)
{
    if (m_camera)
        disconnect(m_camera, nullptr, this, nullptr);
    m_camera = camera;
    if (camera)
        connect(camera, &Camera::configChanged, this, &TuningPanel::syncFromCamera);
    syncFromCamera();
}

void TuningPanel::syncFromCamera()
{
    m_syncing = true;
    const bool have = !m_camera.isNull();
    setEnabled(have);
    if (!have) {
        m_title->setText(tr("No camera selected"));
        m_skipValue->clear();
        m_fpsValue->clear();
        m_effect->clear();
        m_syncing = false;
        return;
    }
    const CameraConfig c = m_camera->config();
    m_title->setText(c.displayName());
    m_skip->setValue(c.skipFrames);
    m_fps->setValue(qBound(1, int(std::lround(c.maxFps)), 30));
    m_skipValue->setText(c.skipFrames == 1 ? tr("all") : tr("1 in %1").arg(c.skipFrames));
    m_fpsValue->setText(tr("%1 fps").arg(c.maxFps, 0, 'g', 3));
    const QString which = c.skipFrames == 1 ? tr("every frame") : tr("1 frame in %1").arg(c.skipFrames);
    m_effect->setText(tr("Processes %1 from the camera, at most %2 per second. "
                         "Changes apply at once without reconnecting.")
                          .arg(which)
                          .arg(c.maxFps, 0, 'g', 3));
    for (int i = 0; i < m_presets.size(); ++i)
        m_presets[i]->setChecked(kGatePresets[i].skipFrames == c.skipFrames && kGatePresets[i].maxFps == c.maxFps);
    m_syncing = false;
}

void TuningPanel::onSliderChanged()
{
    if (m_syncing || !m_camera)
        return;
    m_manager->setGate(m_camera->id(), m_skip->value(), m_fps->value());
    syncFromCamera();
}

void TuningPanel::applyPreset(int index)
{
    if (!m_camera || index < 0 || index >= int(std::size(kGatePresets)))
        return;
    const GatePreset& p = kGatePresets[index];
    m_manager->setGate(m_camera->id(), p.skipFrames, p.maxFps);
    syncFromCamera();
}

} // namespace vigil
