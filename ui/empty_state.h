#pragma once
// Shown while there are no cameras: what Vigil does and the two ways to start.
#include <QWidget>

class QLabel;

namespace vigil {

class EmptyState : public QWidget {
    Q_OBJECT
public:
    explicit EmptyState(QWidget* parent = nullptr);

signals:
    void addCameraClicked();
    void demoClicked();

protected:
    void changeEvent(QEvent* event) override;

private:
    void fitText();

    QLabel* m_text = nullptr;
};

} // namespace vigil
