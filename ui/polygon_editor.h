#pragma once
// Draws and edits polygons over a still frame, in frame-relative coordinates (0..1), as the config
// stores them: motion masks now, named event zones later.
//
// Click to add points; double-click, Enter or a click on the first point closes the polygon;
// Escape cancels it. Drag a point to move it, drag inside a polygon to move it whole. Right-click a
// point to delete it (fewer than 3 points: the polygon goes). Delete removes the selected polygon.
//
// One editable layer (polygons, optional names, colour): motion masks, or named event zones. A
// read-only background layer shows the other kind (e.g. the masks under the zones).
#include <QColor>
#include <QImage>
#include <QList>
#include <QPolygonF>
#include <QRectF>
#include <QStringList>
#include <QWidget>

class QPainter;

namespace vigil {

class PolygonEditor : public QWidget {
    Q_OBJECT
public:
    explicit PolygonEditor(QWidget* parent = nullptr);

    // The picture to draw on; a null image shows a grey canvas of `canvasAspect` (4:3).
    void setImage(const QImage& image);
    QImage image() const { return m_image; }
    void setPlaceholderText(const QString& text);   // painted on the grey canvas

    void setPolygons(const QList<QPolygonF>& polygons);  // clears selection and any drawing
    QList<QPolygonF> polygons() const { return m_layer.polygons; }
    // Named polygons (zones): names are drawn on them and follow every edit. A polygon drawn from
    // now on is named "<prefix> <n>" (the first n not taken); empty prefix: polygons stay unnamed.
    void setPolygons(const QList<QPolygonF>& polygons, const QStringList& names);
    QStringList names() const { return m_layer.names; }
    void setName(int index, const QString& name);
    void setNewNamePrefix(const QString& prefix) { m_namePrefix = prefix; }
    // Read-only shapes under the edited ones (e.g. the motion masks while zones are edited).
    void setBackgroundPolygons(const QList<QPolygonF>& polygons, const QColor& colour);
    void setColour(const QColor& colour);
    QColor colour() const { return m_layer.colour; }

    int selectedIndex() const { return m_selected; }     // -1: none
    void setSelectedIndex(int index);
    void deleteSelected();
    void clear();                                        // removes every polygon

    bool isDrawing() const { return !m_drawing.isEmpty(); }
    QPolygonF drawingPolygon() const { return m_drawing; }
    bool finishDrawing();                                // false (still drawing) with < 3 points
    void cancelDrawing();

    // Read-only boxes painted over the picture (motion regions, detections), relative coordinates.
    void setOverlayBoxes(const QList<QRectF>& boxes, const QStringList& labels = {});
    QList<QRectF> overlayBoxes() const { return m_overlay; }

    // Where the picture is painted (letterboxed, aspect kept), and the mapping in and out of it.
    QRectF pictureRect() const;
    QPointF toWidget(QPointF relative) const;
    QPointF toRelative(QPointF widgetPos) const;         // clamped to 0..1, 4 decimals

    QSize sizeHint() const override { return {640, 480}; }
    QSize minimumSizeHint() const override { return {200, 150}; }

signals:
    void polygonsChanged();          // any edit of the stored polygons (not the one being drawn)
    void polygonAdded(int index);    // a polygon was drawn (it is selected); then polygonsChanged
    void polygonRemoved(int index);  // deleted (or lost its last points); then polygonsChanged
    void selectionChanged(int index);
    void drawingChanged(bool drawing);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void leaveEvent(QEvent* event) override;

private:
    struct Layer {
        QList<QPolygonF> polygons;
        QStringList names;    // empty, or one per polygon
        QColor colour;
    };
    struct Hit {
        int polygon = -1;
        int point = -1;       // -1: inside the polygon, not on a point
    };
    Hit pointAt(QPointF widgetPos) const;       // a vertex within the grab radius
    int polygonAt(QPointF widgetPos) const;     // topmost polygon containing the position
    void select(int index);
    void deletePoint(int polygon, int point);
    void updateCursor(QPointF widgetPos);
    void removePolygon(int index);
    QString newName() const;
    void paintPolygon(QPainter& p, const QPolygonF& relative, const QColor& colour, bool selected,
                      bool editable) const;

    QImage m_image;
    QString m_placeholder;
    Layer m_layer;
    QList<QRectF> m_overlay;
    QStringList m_overlayLabels;
    Layer m_background;
    QString m_namePrefix;
    int m_selected = -1;
    QPolygonF m_drawing;                // the polygon being drawn (open)
    QPointF m_hoverRel{-1, -1};         // rubber band end while drawing
    // Drag state: a point (m_dragPoint >= 0) or the whole polygon (m_dragPoint == -1).
    int m_dragPolygon = -1;
    int m_dragPoint = -1;
    QPointF m_dragStartRel;
    QPolygonF m_dragOriginal;
    bool m_dragMoved = false;
};

} // namespace vigil
