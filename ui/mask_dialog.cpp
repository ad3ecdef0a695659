#include "mask_dialog.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

#include "polygon_editor.h"

namespace vigil {

MaskDialog::MaskDialog(const QList<RelativePolygon>& masks, FrameSource source, const QImage& fallback,
                       QWidget* parent)
    : QDialog(parent), m_feed(std::move(source), fallback)
{
    setObjectName(QStringLiteral("maskDialog"));
    setWindowTitle(tr("Motion masks"));
    resize(820, 640);

    auto* hint = new QLabel(tr("Motion inside the shaded areas is ignored (trees, busy roads, timestamps). "
                               "Click to add points, double-click or Enter to close a shape, Esc to cancel it. "
                               "Drag points or shapes to move them; right-click a point to delete it."),
                            this);
    hint->setObjectName("hint");
    hint->setWordWrap(true);

    m_editor = new PolygonEditor(this);
    m_editor->setObjectName(QStringLiteral("maskEditor"));
    m_editor->setPolygons(masks);
    m_editor->setPlaceholderText(tr("No picture from this camera yet.\nYou can still draw masks here."));

    m_delete = new QPushButton(tr("Delete shape"), this);
    m_delete->setObjectName("deleteMask");
    m_delete->setToolTip(tr("Delete the selected shape (Delete key)"));
    m_clear = new QPushButton(tr("Clear all"), this);
    m_clear->setObjectName("clearMasks");
    m_clear->setToolTip(tr("Delete every mask of this camera"));
    m_showMotion = new QCheckBox(tr("Show motion"), this);
    m_showMotion->setObjectName("showMotion");
    m_showMotion->setToolTip(tr("Outline the regions that moved in the latest frame"));
    m_showMotion->setChecked(true);
    m_status = new QLabel(this);
    m_status->setObjectName("frameStatus");
    m_status->setWordWrap(true);

    auto* tools = new QHBoxLayout;
    tools->addWidget(m_delete);
    tools->addWidget(m_clear);
    tools->addWidget(m_showMotion);
    tools->addWidget(m_status, 1);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setObjectName("primary");
    // Enter closes a shape in the editor; it must not also close the dialog.
    buttons->button(QDialogButtonBox::Ok)->setAutoDefault(false);
    buttons->button(QDialogButtonBox::Cancel)->setAutoDefault(false);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(hint);
    layout->addLayout(tools);
    layout->addWidget(m_editor, 1);
    layout->addWidget(buttons);

    connect(m_delete, &QPushButton::clicked, m_editor, &PolygonEditor::deleteSelected);
    connect(m_clear, &QPushButton::clicked, m_editor, &PolygonEditor::clear);
    connect(m_editor, &PolygonEditor::selectionChanged, this, &MaskDialog::updateButtons);
    connect(m_editor, &PolygonEditor::polygonsChanged, this, &MaskDialog::updateButtons);
    connect(m_showMotion, &QCheckBox::toggled, this, [this] {
        m_feed.forget();  // redraw the boxes (or drop them) now
        refreshFrame();
    });

    m_timer.setInterval(1000);
    connect(&m_timer, &QTimer::timeout, this, &MaskDialog::refreshFrame);
    m_timer.start();
    refreshFrame();
    updateButtons();
    m_editor->setFocus();
}

QList<RelativePolygon> MaskDialog::masks() const { return m_editor->polygons(); }

bool MaskDialog::hasPicture() const { return !m_editor->image().isNull(); }

void MaskDialog::refreshFrame()
{
    const StillFeed::Update u = m_feed.poll();
    switch (u.kind) {
    case StillFeed::Kind::Unchanged:
        return;
    case StillFeed::Kind::Live:
        m_showMotion->setEnabled(true);
        m_editor->setImage(u.image);
        m_editor->setOverlayBoxes(m_showMotion->isChecked() ? relativeBoxes(u.frame->motionBoxes, u.frame->sourceSize)
                                                            : QList<QRectF>());
        m_status->setText(u.frame->motion ? tr("Live · motion %1%").arg(u.frame->motionPct, 0, 'f', 1)
                                          : tr("Live · no motion"));
        return;
    case StillFeed::Kind::Fallback:
        if (m_editor->image().isNull())
            m_editor->setImage(u.image);
        m_status->setText(tr("Frame from the connection test"));
        break;
    case StillFeed::Kind::None:
        m_status->setText(tr("No picture from this camera"));
        break;
    }
    m_showMotion->setEnabled(false);
}

void MaskDialog::updateButtons()
{
    m_delete->setEnabled(m_editor->selectedIndex() >= 0);
    m_clear->setEnabled(!m_editor->polygons().isEmpty());
}

} // namespace vigil
