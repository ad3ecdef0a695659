#include "zone_dialog.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSplitter>
#include <QVBoxLayout>

#include "detection/class_names.h"
#include "polygon_editor.h"

namespace vigil {

namespace {
const QColor kZoneColour(0x3e, 0xc1, 0xf0);
const QColor kMaskColour(0xa0, 0xa4, 0xaa);
} // namespace

QStringList ZoneDialog::labelChoices(const QStringList& current)
{
    QStringList out = {"person", "car", "bicycle", "motorcycle", "bus", "truck", "dog", "cat", "bird"};
    for (const QString& l : current)
        if (!out.contains(l))
            out << l;
    QStringList rest = cocoClassNames();
    rest.sort();
    for (const QString& l : std::as_const(rest))
        if (!out.contains(l))
            out << l;
    return out;
}

ZoneDialog::ZoneDialog(const QList<Zone>& zones, const QStringList& labels, const QList<QPolygonF>& masks,
                       FrameSource source, const QImage& fallback, QWidget* parent)
    : QDialog(parent), m_feed(std::move(source), fallback)
{
    setObjectName(QStringLiteral("zoneDialog"));
    setWindowTitle(tr("Zones and events"));
    resize(1040, 660);

    auto* hint = new QLabel(tr("An object is in a zone when the bottom centre of its box (where it stands) is inside. "
                               "Draw a zone by clicking its corners; double-click or Enter closes it. Drag to move; "
                               "double-click a name in the list to rename it. Hatched grey: motion masks."),
                            this);
    hint->setObjectName("hint");
    hint->setWordWrap(true);

    m_editor = new PolygonEditor(this);
    m_editor->setObjectName(QStringLiteral("zoneEditor"));
    m_editor->setColour(kZoneColour);
    m_editor->setNewNamePrefix(tr("zone"));
    QList<QPolygonF> polygons;
    QStringList names;
    for (const Zone& z : zones) {
        polygons << z.polygon;
        names << z.name;
        m_required << z.required;
    }
    m_editor->setPolygons(polygons, names);
    m_editor->setBackgroundPolygons(masks, kMaskColour);
    m_editor->setPlaceholderText(tr("No picture from this camera yet.\nYou can still draw zones here."));

    // Zones: names (editable), "required" as the check box.
    m_zoneList = new QListWidget(this);
    m_zoneList->setObjectName("zoneList");
    m_zoneList->setToolTip(tr("Double-click (or F2) to rename. Checked: required — with any required zone, only "
                              "objects that enter a required zone make events."));
    m_delete = new QPushButton(tr("Delete zone"), this);
    m_delete->setObjectName("deleteZone");
    auto* zonesBox = new QGroupBox(tr("Zones (checked = required)"), this);
    auto* zl = new QVBoxLayout(zonesBox);
    zl->addWidget(m_zoneList, 1);
    zl->addWidget(m_delete);

    // Labels that make events.
    m_labelList = new QListWidget(this);
    m_labelList->setObjectName("labelList");
    for (const QString& l : labelChoices(labels)) {
        auto* item = new QListWidgetItem(l, m_labelList);
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
        item->setCheckState(labels.contains(l) ? Qt::Checked : Qt::Unchecked);
    }
    auto* labelsBox = new QGroupBox(tr("Make events for"), this);
    auto* ll = new QVBoxLayout(labelsBox);
    ll->addWidget(m_labelList, 1);

    m_showDetections = new QCheckBox(tr("Show detections"), this);
    m_showDetections->setObjectName("showDetections");
    m_showDetections->setChecked(true);
    m_status = new QLabel(this);
    m_status->setObjectName("frameStatus");
    m_status->setWordWrap(true);

    auto* side = new QWidget(this);
    auto* sl = new QVBoxLayout(side);
    sl->setContentsMargins(0, 0, 0, 0);
    sl->addWidget(zonesBox, 2);
    sl->addWidget(labelsBox, 3);
    sl->addWidget(m_showDetections);
    sl->addWidget(m_status);
    side->setMinimumWidth(220);

    auto* split = new QSplitter(this);
    split->addWidget(m_editor);
    split->addWidget(side);
    split->setStretchFactor(0, 1);
    split->setSizes({780, 260});

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setObjectName("primary");
    // Enter closes a shape in the editor; it must not also close the dialog.
    buttons->button(QDialogButtonBox::Ok)->setAutoDefault(false);
    buttons->button(QDialogButtonBox::Cancel)->setAutoDefault(false);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(hint);
    layout->addWidget(split, 1);
    layout->addWidget(buttons);

    // The editor owns the shapes; the list follows it (adds, deletes, selection), and renames and
    // "required" flow back.
    connect(m_editor, &PolygonEditor::polygonAdded, this, [this](int index) {
        m_required.insert(index, false);
    });
    connect(m_editor, &PolygonEditor::polygonRemoved, this, [this](int index) {
        if (index < m_required.size())
            m_required.removeAt(index);
    });
    connect(m_editor, &PolygonEditor::polygonsChanged, this, &ZoneDialog::syncListFromEditor);
    connect(m_editor, &PolygonEditor::selectionChanged, this, [this](int index) {
        if (m_syncing)
            return;
        const QSignalBlocker block(m_zoneList);
        m_zoneList->setCurrentRow(index);
        m_delete->setEnabled(index >= 0);
    });
    connect(m_zoneList, &QListWidget::currentRowChanged, this, [this](int row) {
        if (m_syncing)
            return;
        m_editor->setSelectedIndex(row);
        m_delete->setEnabled(row >= 0);
    });
    connect(m_zoneList, &QListWidget::itemChanged, this, &ZoneDialog::onItemChanged);
    connect(m_delete, &QPushButton::clicked, m_editor, &PolygonEditor::deleteSelected);
    connect(m_showDetections, &QCheckBox::toggled, this, [this] {
        m_feed.forget();
        refreshFrame();
    });

    m_timer.setInterval(1000);
    connect(&m_timer, &QTimer::timeout, this, &ZoneDialog::refreshFrame);
    m_timer.start();
    syncListFromEditor();
    refreshFrame();
    m_editor->setFocus();
}

void ZoneDialog::syncListFromEditor()
{
    if (m_syncing)
        return;
    const QStringList names = m_editor->names();
    m_required.resize(names.size());

    m_syncing = true;
    const QSignalBlocker block(m_zoneList);
    m_zoneList->clear();
    for (int i = 0; i < names.size(); ++i) {
        auto* item = new QListWidgetItem(names[i], m_zoneList);
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsEditable | Qt::ItemIsUserCheckable);
        item->setCheckState(m_required[i] ? Qt::Checked : Qt::Unchecked);
    }
    m_zoneList->setCurrentRow(m_editor->selectedIndex());
    m_delete->setEnabled(m_editor->selectedIndex() >= 0);
    m_syncing = false;
}

QString ZoneDialog::uniqueName(const QString& wanted, int except) const
{
    const QStringList names = m_editor->names();
    auto taken = [&](const QString& n) {
        for (int i = 0; i < names.size(); ++i)
            if (i != except && names[i].compare(n, Qt::CaseInsensitive) == 0)
                return true;
        return false;
    };
    if (!taken(wanted))
        return wanted;
    for (int n = 2;; ++n)
        if (!taken(QStringLiteral("%1 %2").arg(wanted).arg(n)))
            return QStringLiteral("%1 %2").arg(wanted).arg(n);
}

void ZoneDialog::onItemChanged(QListWidgetItem* item)
{
    if (m_syncing)
        return;
    const int row = m_zoneList->row(item);
    if (row < 0 || row >= m_required.size())
        return;
    m_required[row] = item->checkState() == Qt::Checked;
    const QString old = m_editor->names().value(row);
    QString name = item->text().simplified().left(60);
    name = name.isEmpty() ? old : uniqueName(name, row);
    if (name != old) {
        // The list must not be rebuilt under the item being edited.
        m_syncing = true;
        m_editor->setName(row, name);
        m_syncing = false;
    }
    if (item->text() != name) {
        const QSignalBlocker block(m_zoneList);
        item->setText(name);
    }
}

QList<Zone> ZoneDialog::zones() const
{
    QList<Zone> out;
    const QList<QPolygonF> polygons = m_editor->polygons();
    const QStringList names = m_editor->names();
    for (int i = 0; i < polygons.size(); ++i)
        out << Zone{names.value(i), polygons[i], m_required.value(i, false)};
    return out;
}

QStringList ZoneDialog::labels() const
{
    QStringList out;
    for (int i = 0; i < m_labelList->count(); ++i)
        if (m_labelList->item(i)->checkState() == Qt::Checked)
            out << m_labelList->item(i)->text();
    return out;
}

void ZoneDialog::refreshFrame()
{
    const StillFeed::Update u = m_feed.poll();
    switch (u.kind) {
    case StillFeed::Kind::Unchanged:
        return;
    case StillFeed::Kind::Live: {
        m_showDetections->setEnabled(true);
        m_editor->setImage(u.image);
        QList<QRectF> boxes;
        QStringList names;
        const QSizeF s(u.frame->sourceSize);
        if (m_showDetections->isChecked() && !s.isEmpty()) {
            for (const Detection& d : u.frame->detections) {
                boxes << QRectF(d.box.x() / s.width(), d.box.y() / s.height(), d.box.width() / s.width(),
                                d.box.height() / s.height());
                names << QStringLiteral("%1 %2%").arg(d.name).arg(int(d.score * 100));
            }
        }
        m_editor->setOverlayBoxes(boxes, names);
        m_status->setText(u.frame->detections.isEmpty()
                              ? tr("Live · nothing detected in this frame")
                              : tr("Live · %n object(s) detected", nullptr, int(u.frame->detections.size())));
        return;
    }
    case StillFeed::Kind::Fallback:
        if (m_editor->image().isNull())
            m_editor->setImage(u.image);
        m_status->setText(tr("Frame from the connection test"));
        break;
    case StillFeed::Kind::None:
        m_status->setText(tr("No picture from this camera"));
        break;
    }
    m_showDetections->setEnabled(false);
}

} // namespace vigil
