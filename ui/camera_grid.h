#pragma once
// Lays out one tile per camera in a near-square grid (1, 2x2, 3x3, ...) and can show a single
// camera full-size ("focus") and back.
#include <QList>
#include <QWidget>

namespace vigil {

class Camera;
class CameraTile;

class CameraGrid : public QWidget {
    Q_OBJECT
public:
    explicit CameraGrid(QWidget* parent = nullptr);

    CameraTile* addCamera(Camera* camera);
    void removeCamera(const QString& id);
    CameraTile* tile(const QString& id) const;
    QList<CameraTile*> tiles() const { return m_tiles; }
    int count() const { return int(m_tiles.size()); }

    QString selectedId() const { return m_selected; }
    void select(const QString& id);
    QString focusedId() const { return m_focused; }
    void setFocusedCamera(const QString& id);  // empty: back to the grid
    void toggleFocus(const QString& id);

    // Grid shape for n tiles: columns >= rows, as square as possible.
    static QSize gridShape(int n);

signals:
    void selectionChanged(const QString& id);
    void focusChanged(const QString& id);
    void tileCreated(vigil::CameraTile* tile);

protected:
    void resizeEvent(QResizeEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;

private:
    void relayout();

    QList<CameraTile*> m_tiles;
    QString m_selected;
    QString m_focused;
};

} // namespace vigil
