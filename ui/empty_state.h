#pragma once
// Shown while there are no cameras: what Vigil does and the two ways to start.
#include <QWidget>

namespace vigil {

class EmptyState : public QWidget {
    Q_OBJECT
public:
    explicit EmptyState(QWidget* parent = nullptr);

signals:
    void addCameraClicked();
    void demoClicked();
};

} // namespace vigil
