#include "empty_state.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

#include "icons.h"

namespace vigil {

EmptyState::EmptyState(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("emptyState"));
    auto* logo = new QLabel(this);
    logo->setPixmap(icons::appIcon().pixmap(96, 96));
    logo->setAlignment(Qt::AlignCenter);

    auto* title = new QLabel(tr("No cameras yet"), this);
    QFont f = title->font();
    f.setPointSizeF(f.pointSizeF() * 1.8);
    f.setBold(true);
    title->setFont(f);
    title->setAlignment(Qt::AlignCenter);

    auto* text = m_text = new QLabel(tr("Vigil watches MJPEG network cameras (ESP32-CAM, IP cameras, anything that "
                               "serves multipart JPEG over HTTP), detects objects locally and shows "
                               "annotated live video with live statistics."),
                            this);
    text->setObjectName(QStringLiteral("hint"));
    text->setWordWrap(true);
    text->setAlignment(Qt::AlignCenter);
    text->setFixedWidth(520);
    fitText();

    auto* add = new QPushButton(icons::addCamera(), tr("Add camera…"), this);
    add->setObjectName(QStringLiteral("primary"));
    add->setIconSize(QSize(20, 20));
    add->setMinimumHeight(38);
    auto* demo = new QPushButton(icons::demo(), tr("Try the demo camera"), this);
    demo->setObjectName(QStringLiteral("demoButton"));
    demo->setIconSize(QSize(20, 20));
    demo->setMinimumHeight(38);
    demo->setToolTip(tr("Streams a built-in synthetic scene for this session only"));
    connect(add, &QPushButton::clicked, this, &EmptyState::addCameraClicked);
    connect(demo, &QPushButton::clicked, this, &EmptyState::demoClicked);

    auto* buttons = new QHBoxLayout;
    buttons->addStretch();
    buttons->addWidget(add);
    buttons->addSpacing(10);
    buttons->addWidget(demo);
    buttons->addStretch();

    auto* col = new QVBoxLayout(this);
    col->addStretch(3);
    col->addWidget(logo);
    col->addSpacing(10);
    col->addWidget(title);
    col->addSpacing(6);
    col->addWidget(text, 0, Qt::AlignHCenter);
    col->addSpacing(20);
    col->addLayout(buttons);
    col->addStretch(4);
}

// A wrapped label placed with an alignment gets its sizeHint height, which Qt computes for a width
// of its own choosing (fewer, longer lines), not for its real width: the text was clipped. Its
// minimum height is the height it needs at its real width, recomputed when the font changes.
void EmptyState::fitText()
{
    m_text->setMinimumHeight(m_text->heightForWidth(m_text->width()));
}

void EmptyState::changeEvent(QEvent* event)
{
    if (m_text && (event->type() == QEvent::FontChange || event->type() == QEvent::StyleChange))
        fitText();
    QWidget::changeEvent(event);
}

} // namespace vigil
