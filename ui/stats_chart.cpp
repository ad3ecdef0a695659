#include "stats_chart.h"

#include <QChart>
#include <QLineSeries>
#include <QValueAxis>
#include <algorithm>
#include <cmath>

#include "theme.h"

namespace vigil {

StatsChart::StatsChart(QWidget* parent) : QChartView(parent)
{
    setObjectName(QStringLiteral("statsChart"));
    auto* chart = new QChart;
    chart->setBackgroundBrush(QColor(0x12, 0x15, 0x19));
    chart->setBackgroundRoundness(0);
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->setTitleBrush(QColor(0xc9, 0xd1, 0xd9));
    chart->legend()->setLabelColor(QColor(0xc9, 0xd1, 0xd9));
    chart->legend()->setAlignment(Qt::AlignTop);
    chart->setAnimationOptions(QChart::NoAnimation);

    m_fps = new QLineSeries(chart);
    m_fps->setName(tr("Output FPS"));
    m_fps->setPen(QPen(theme::accent(), 2));
    m_latency = new QLineSeries(chart);
    m_latency->setName(tr("Latency p50 (ms)"));
    m_latency->setPen(QPen(QColor(0xf0, 0x88, 0x3e), 2));
    m_infer = new QLineSeries(chart);
    m_infer->setName(tr("Inferences/s"));
    m_infer->setPen(QPen(QColor(0x3f, 0xb9, 0x50), 2, Qt::DashLine));
    chart->addSeries(m_fps);
    chart->addSeries(m_infer);
    chart->addSeries(m_latency);

    auto styleAxis = [](QValueAxis* a, const QColor& c) {
        a->setLabelsColor(c);
        a->setGridLineColor(QColor(0x26, 0x2b, 0x33));
        a->setLinePenColor(QColor(0x39, 0x41, 0x4b));
        a->setTitleBrush(c);
        QFont f = a->labelsFont();
        f.setPointSizeF(f.pointSizeF() * 0.85);
        a->setLabelsFont(f);
    };
    m_x = new QValueAxis(chart);
    m_x->setRange(-60, 0);
    m_x->setTickCount(7);
    m_x->setLabelFormat(QStringLiteral("%d s"));
    styleAxis(m_x, QColor(0x8b, 0x94, 0x9e));
    m_yFps = new QValueAxis(chart);
    m_yFps->setRange(0, 10);
    m_yFps->setLabelFormat(QStringLiteral("%.0f"));
    m_yFps->setTickCount(6);
    styleAxis(m_yFps, theme::accent());
    m_yLatency = new QValueAxis(chart);
    m_yLatency->setRange(0, 100);
    m_yLatency->setLabelFormat(QStringLiteral("%.0f"));
    m_yLatency->setTickCount(6);
    styleAxis(m_yLatency, QColor(0xf0, 0x88, 0x3e));
    m_yLatency->setGridLineVisible(false);

    chart->addAxis(m_x, Qt::AlignBottom);
    chart->addAxis(m_yFps, Qt::AlignLeft);
    chart->addAxis(m_yLatency, Qt::AlignRight);
    m_fps->attachAxis(m_x);
    m_fps->attachAxis(m_yFps);
    m_infer->attachAxis(m_x);
    m_infer->attachAxis(m_yFps);
    m_latency->attachAxis(m_x);
    m_latency->attachAxis(m_yLatency);

    setChart(chart);
    setRenderHint(QPainter::Antialiasing);
    setMinimumSize(320, 180);
}

void StatsChart::setTitle(const QString& title)
{
    chart()->setTitle(title);
}

// Rounds an axis maximum up to a readable number.
static double niceMax(double v, double floor)
{
    v = std::max(v * 1.15, floor);
    const double step = std::pow(10.0, std::floor(std::log10(v)));
    for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
        if (v <= m * step)
            return m * step;
    return v;
}

void StatsChart::setSamples(const QList<StatsSample>& samples, qint64 nowMs)
{
    QList<QPointF> fps, lat, infer;
    double maxFps = 0, maxLat = 0;
    for (const StatsSample& s : samples) {
        const double x = (s.tMs - nowMs) / 1000.0;
        if (x < -60.5)
            continue;
        fps.append({x, s.outFps});
        lat.append({x, s.latencyMs});
        infer.append({x, s.inferFps});
        maxFps = std::max({maxFps, s.outFps, s.inferFps});
        maxLat = std::max(maxLat, s.latencyMs);
    }
    m_fps->replace(fps);
    m_latency->replace(lat);
    m_infer->replace(infer);
    m_yFps->setRange(0, niceMax(maxFps, 5));
    m_yLatency->setRange(0, niceMax(maxLat, 50));
}

int StatsChart::pointCount() const { return int(m_fps->count()); }
int StatsChart::inferPointCount() const { return int(m_infer->count()); }

} // namespace vigil
