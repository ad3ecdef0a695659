#include "stats_panel.h"

#include <QDateTime>
#include <QHeaderView>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include "common/redact.h"
#include "pipeline/camera.h"
#include "camera_manager.h"
#include "theme.h"

namespace vigil {

namespace {
constexpr int kHistorySeconds = 60;

QString num(double v, int decimals = 1) { return QString::number(v, 'f', decimals); }
} // namespace

StatsPanel::StatsPanel(CameraManager* manager, QWidget* parent) : QWidget(parent), m_manager(manager)
{
    setObjectName(QStringLiteral("statsPanel"));
    m_table = new QTableWidget(0, ColumnCount, this);
    m_table->setObjectName(QStringLiteral("statsTable"));
    // Two-line headers: the numbers are narrow, the labels should not make them wide.
    m_table->setHorizontalHeaderLabels({tr("Camera"), tr("State"), tr("Read\nfps"), tr("Out\nfps"),
                                        tr("Processed"), tr("Stride\nskip"), tr("Throttled"),
                                        tr("Super-\nseded"), tr("Decode\nms"), tr("Infer\nms"),
                                        tr("Motion\n%"), tr("Infer-\nences/s"), tr("Infer-\nences"),
                                        tr("Gated"), tr("p50\nms"),
                                        tr("p99\nms"), tr("Recon-\nnects"), tr("Detector")});
    m_table->horizontalHeaderItem(ReadFps)->setToolTip(tr("Frames read from the camera per second"));
    m_table->horizontalHeaderItem(OutFps)->setToolTip(tr("Annotated results delivered per second"));
    m_table->horizontalHeaderItem(LatencyP99)->setToolTip(tr("Last byte received → annotated result, 99th percentile (ms)"));
    m_table->horizontalHeaderItem(SkippedStride)->setToolTip(tr("Frames not processed because of skip_frames"));
    m_table->horizontalHeaderItem(Throttled)->setToolTip(tr("Candidates dropped by the FPS cap"));
    m_table->horizontalHeaderItem(Superseded)->setToolTip(tr("Replaced by a newer frame while waiting for a worker"));
    m_table->horizontalHeaderItem(Motion)->setToolTip(tr("Share of the unmasked frame that moved in the last "
                                                         "analysed frame (– : no motion)"));
    m_table->horizontalHeaderItem(InferFps)->setToolTip(tr("Frames run through the detector per second"));
    m_table->horizontalHeaderItem(Inferences)->setToolTip(tr("Frames run through the detector since start"));
    m_table->horizontalHeaderItem(Gated)->setToolTip(tr("Processed but not inferred because nothing moved "
                                                        "(motion mode)"));
    m_table->horizontalHeaderItem(LatencyP50)->setToolTip(tr("Last byte received → annotated result, median (ms)"));
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setAlternatingRowColors(true);
    m_table->setShowGrid(false);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    // The detector text can be a long error: it takes the room that is left (full text on hover)
    // instead of pushing the numbers behind a scroll bar.
    m_table->horizontalHeader()->setSectionResizeMode(Detector, QHeaderView::Stretch);
    m_table->setTextElideMode(Qt::ElideRight);
    m_table->verticalHeader()->setDefaultSectionSize(24);
    connect(m_table, &QTableWidget::itemSelectionChanged, this, [this] {
        const auto rows = m_table->selectionModel()->selectedRows();
        if (!rows.isEmpty()) {
            const QString id = m_table->item(rows.first().row(), Camera)->data(Qt::UserRole).toString();
            if (id != m_selected) {
                m_selected = id;
                refresh();
            }
            emit cameraSelected(id);  // programmatic selection is signal-blocked: this is the user
        }
    });
    connect(m_table, &QTableWidget::cellDoubleClicked, this, [this](int row) {
        if (QTableWidgetItem* it = m_table->item(row, Camera))
            emit cameraActivated(it->data(Qt::UserRole).toString());
    });

    m_chart = new StatsChart(this);
    auto* split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(m_table);
    split->addWidget(m_chart);
    split->setStretchFactor(0, 5);
    split->setStretchFactor(1, 2);
    split->setChildrenCollapsible(false);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(split);

    m_timer.setInterval(1000);
    connect(&m_timer, &QTimer::timeout, this, &StatsPanel::refresh);
    m_timer.start();
    connect(manager, &CameraManager::cameraRemoved, this, [this](const QString& id) {
        m_history.remove(id);
        refresh();
    });
    connect(manager, &CameraManager::cameraAdded, this, &StatsPanel::refresh);
}

void StatsPanel::setSelectedCamera(const QString& id)
{
    if (m_selected == id)
        return;
    m_selected = id;
    refresh();
}

void StatsPanel::refresh()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const QList<vigil::Camera*> cams = m_manager->cameras();
    if (m_table->rowCount() != cams.size())
        m_table->setRowCount(int(cams.size()));

    auto set = [this](int row, int col, const QString& text, const QColor& colour = QColor()) {
        QTableWidgetItem* item = m_table->item(row, col);
        if (!item) {
            item = new QTableWidgetItem;
            item->setTextAlignment(col <= State || col == Detector ? (Qt::AlignLeft | Qt::AlignVCenter)
                                                                   : (Qt::AlignRight | Qt::AlignVCenter));
            m_table->setItem(row, col, item);
        }
        if (item->text() != text)
            item->setText(text);
        item->setForeground(colour.isValid() ? QBrush(colour) : QBrush());
        return item;
    };

    int row = 0;
    for (vigil::Camera* cam : cams) {
        const QString id = cam->id();
        const StatsSnapshot s = cam->stats();
        QList<StatsSample>& h = m_history[id];
        h.append({now, s.outFps, s.latencyP50Ms, s.inferFps});
        while (!h.isEmpty() && h.first().tMs < now - kHistorySeconds * 1000)
            h.removeFirst();

        const QString name = cam->config().displayName();
        QTableWidgetItem* nameItem = set(row, Camera, name);
        nameItem->setData(Qt::UserRole, id);
        const CameraState state = cam->state();
        QTableWidgetItem* stateItem = set(row, State, stateName(state), theme::stateColour(state));
        stateItem->setToolTip(redactedText(cam->stateReason()));
        set(row, ReadFps, num(s.readFps));
        set(row, OutFps, num(s.outFps));
        set(row, Processed, QString::number(s.processed));
        set(row, SkippedStride, QString::number(s.skippedStride));
        set(row, Throttled, QString::number(s.droppedThrottle));
        set(row, Superseded, QString::number(s.superseded));
        // No measurement yet (or the camera is down): a dash, not a misleading 0.
        const auto ms = [](double v) { return v > 0 ? num(v, v < 10 ? 1 : 0) : QStringLiteral("–"); };
        set(row, DecodeMs, s.decodeMs > 0 ? num(s.decodeMs) : QStringLiteral("–"));
        set(row, InferMs, s.inferMs > 0 ? num(s.inferMs) : QStringLiteral("–"));
        QTableWidgetItem* motionItem = set(row, Motion, s.motion ? num(s.motionPct) : QStringLiteral("–"),
                                           s.motion ? theme::accent() : QColor());
        motionItem->setToolTip(s.motionMs > 0 ? tr("Motion analysis: %1 ms per frame").arg(num(s.motionMs))
                                              : QString());
        set(row, InferFps, num(s.inferFps));
        set(row, Inferences, QString::number(s.inferences));
        set(row, Gated, QString::number(s.gatedNoMotion));
        set(row, LatencyP50, ms(s.latencyP50Ms));
        set(row, LatencyP99, ms(s.latencyP99Ms));
        set(row, Reconnects, QString::number(s.reconnects));
        const bool detecting = cam->config().detects();
        const QString det = detecting ? redactedText(cam->detectorStatus()) : tr("off");
        QTableWidgetItem* detItem = set(row, Detector, det.isEmpty() ? tr("loading…") : det,
                                        detecting && cam->detectorFailed() ? theme::warning() : QColor());
        detItem->setToolTip(det);
        ++row;
    }

    if (m_selected.isEmpty() && !cams.isEmpty())
        m_selected = cams.first()->id();
    vigil::Camera* selected = m_manager->camera(m_selected);
    if (selected) {
        m_chart->setTitle(tr("%1 — last 60 s").arg(selected->config().displayName()));
        m_chart->setSamples(m_history.value(m_selected), now);
        for (int r = 0; r < m_table->rowCount(); ++r) {
            QTableWidgetItem* it = m_table->item(r, Camera);
            if (it && it->data(Qt::UserRole).toString() == m_selected && m_table->currentRow() != r) {
                const QSignalBlocker block(m_table);
                m_table->selectRow(r);
            }
        }
    } else {
        m_chart->setTitle(tr("No camera"));
        m_chart->setSamples({}, now);
    }
}

} // namespace vigil
