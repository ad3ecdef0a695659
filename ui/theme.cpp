#include "theme.h"

#include <QHash>

#include <QApplication>
#include <QPalette>
#include <QStyleFactory>

namespace vigil::theme {

QColor accent() { return QColor(0x3d, 0xa5, 0xf4); }
QColor tileBackground() { return QColor(0x0d, 0x10, 0x14); }
QColor windowBackground() { return QColor(0x17, 0x1a, 0x1f); }

QColor warning() { return QColor(0xe3, 0xb3, 0x41); }

QColor labelColour(const QString& label)
{
    if (label == QLatin1String("person"))
        return QColor(0xff, 0x6b, 0x6b);
    if (label == QLatin1String("car") || label == QLatin1String("truck") || label == QLatin1String("bus"))
        return QColor(0x4d, 0xab, 0xf7);
    if (label == QLatin1String("dog") || label == QLatin1String("cat"))
        return QColor(0x69, 0xdb, 0x7c);
    // Others: a stable hue from the name, bright enough on the dark theme.
    return QColor::fromHsv(int(qHash(label) % 360), 150, 240);
}

QColor stateColour(CameraState state)
{
    switch (state) {
    case CameraState::Live: return QColor(0x3f, 0xb9, 0x50);
    case CameraState::Connecting: return QColor(0x58, 0xa6, 0xff);
    case CameraState::Reconnecting: return QColor(0xd2, 0x99, 0x22);
    case CameraState::Stalled: return QColor(0xf0, 0x88, 0x3e);
    case CameraState::Error: return QColor(0xf8, 0x51, 0x49);
    case CameraState::Idle: break;
    }
    return QColor(0x8b, 0x94, 0x9e);
}

void apply(QApplication& app)
{
    app.setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    QPalette p;
    const QColor base(0x12, 0x15, 0x19);
    const QColor text(0xdc, 0xe1, 0xe8);
    const QColor disabled(0x6e, 0x76, 0x81);
    p.setColor(QPalette::Window, windowBackground());
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(0x1c, 0x20, 0x26));
    p.setColor(QPalette::ToolTipBase, QColor(0x22, 0x27, 0x2e));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, disabled);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(0x23, 0x28, 0x2f));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, QColor(0xff, 0x6b, 0x6b));
    p.setColor(QPalette::Light, QColor(0x33, 0x39, 0x42));
    p.setColor(QPalette::Midlight, QColor(0x2a, 0x30, 0x38));
    p.setColor(QPalette::Mid, QColor(0x20, 0x24, 0x2b));
    p.setColor(QPalette::Dark, QColor(0x0c, 0x0e, 0x11));
    p.setColor(QPalette::Shadow, QColor(0, 0, 0));
    p.setColor(QPalette::Highlight, accent().darker(115));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, accent());
    for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, disabled);
    app.setPalette(p);
    app.setStyleSheet(QStringLiteral(
        "QToolTip { color: #dce1e8; background: #22272e; border: 1px solid #3a414b; padding: 4px; }"
        "QMainWindow::separator { background: #0c0e11; width: 2px; height: 2px; }"
        "QDockWidget { titlebar-close-icon: none; }"
        "QDockWidget::title { background: #1c2026; padding: 6px 8px; }"
        "QStatusBar { background: #111418; color: #9aa4af; }"
        "QStatusBar::item { border: none; }"
        "QMenuBar { background: #111418; }"
        "QMenuBar::item:selected { background: #23282f; }"
        "QMenu { background: #1c2026; border: 1px solid #2e343c; }"
        "QMenu::item { padding: 5px 22px 5px 10px; }"
        "QMenu::item:selected { background: #2b5f8e; }"
        "QMenu::separator { height: 1px; background: #2e343c; margin: 4px 6px; }"
        "QHeaderView::section { background: #1c2026; color: #9aa4af; border: none;"
        " border-bottom: 1px solid #2e343c; padding: 4px 5px; }"
        "QTableView { gridline-color: #23282f; border: none; selection-background-color: #1f3a57;"
        " selection-color: #f2f4f8; }"
        "QPushButton { padding: 5px 14px; border-radius: 5px; border: 1px solid #39414b; background: #262b33; }"
        "QPushButton:hover { background: #2f3540; }"
        "QPushButton:default { border-color: #3da5f4; }"
        "QPushButton#primary { background: #1f6fd1; border-color: #2d82e6; color: white; font-weight: bold; }"
        "QPushButton#primary:hover { background: #2a7de0; }"
        // Only line edits: styling spin boxes would drop Fusion's arrow buttons.
        "QLineEdit { padding: 4px 6px; border-radius: 4px; border: 1px solid #39414b; background: #12151a; }"
        "QLineEdit:focus { border-color: #3da5f4; }"
        "QGroupBox { border: 1px solid #2e343c; border-radius: 6px; margin-top: 14px; padding-top: 6px; }"
        "QGroupBox::title { subcontrol-origin: margin; left: 10px; padding: 0 4px; color: #9aa4af; }"
        "QLabel#error { color: #ff7b72; }"
        "QLabel#ok { color: #56d364; }"
        "QLabel#hint { color: #8b949e; }"));
}

} // namespace vigil::theme
