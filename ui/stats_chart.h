#pragma once
// The last 60 s of one camera's output FPS, inferences per second and latency (p50), as a Qt
// Charts line chart.
#include <QChartView>
#include <QList>
#include <QPointF>

class QLineSeries;
class QValueAxis;

namespace vigil {

struct StatsSample {
    qint64 tMs = 0;       // wall time of the sample
    double outFps = 0;
    double latencyMs = 0;
    double inferFps = 0;  // detector runs per second (motion gating shows as the gap to outFps)
};

class StatsChart : public QChartView {
    Q_OBJECT
public:
    explicit StatsChart(QWidget* parent = nullptr);
    void setTitle(const QString& title);
    void setSamples(const QList<StatsSample>& samples, qint64 nowMs);
    int pointCount() const;
    int inferPointCount() const;

private:
    QLineSeries* m_fps;
    QLineSeries* m_latency;
    QLineSeries* m_infer;
    QValueAxis* m_x;
    QValueAxis* m_yFps;
    QValueAxis* m_yLatency;
};

} // namespace vigil
