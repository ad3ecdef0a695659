#include "stats/rate_meter.h"

#include <algorithm>
#include <numeric>

namespace vigil {

RateMeter::RateMeter(qint64 windowNs, int capacity) : m_windowNs(windowNs), m_ring(size_t(capacity)) {}

void RateMeter::mark(qint64 nowNs)
{
    std::lock_guard lock(m_mutex);
    m_ring[m_next] = nowNs;
    m_next = (m_next + 1) % m_ring.size();
    m_size = std::min(m_size + 1, m_ring.size());
}

double RateMeter::perSecond(qint64 nowNs) const
{
    std::lock_guard lock(m_mutex);
    int n = 0;
    for (size_t i = 0; i < m_size; ++i) {
        const qint64 t = m_ring[(m_next + m_ring.size() - 1 - i) % m_ring.size()];
        if (nowNs - t > m_windowNs)
            break;
        ++n;
    }
    return n * 1e9 / double(m_windowNs);
}

SampleWindow::SampleWindow(int capacity) : m_ring(size_t(capacity)) {}

void SampleWindow::add(double v)
{
    std::lock_guard lock(m_mutex);
    m_ring[m_next] = v;
    m_next = (m_next + 1) % m_ring.size();
    m_size = std::min(m_size + 1, m_ring.size());
}

double SampleWindow::percentile(double p) const
{
    std::vector<double> v;
    {
        std::lock_guard lock(m_mutex);
        v.assign(m_ring.begin(), m_ring.begin() + qsizetype(m_size));
    }
    if (v.empty())
        return 0;
    const size_t k = std::min(v.size() - 1, size_t(p / 100.0 * double(v.size() - 1) + 0.5));
    std::nth_element(v.begin(), v.begin() + qsizetype(k), v.end());
    return v[k];
}

double SampleWindow::mean() const
{
    std::lock_guard lock(m_mutex);
    if (m_size == 0)
        return 0;
    return std::accumulate(m_ring.begin(), m_ring.begin() + qsizetype(m_size), 0.0) / double(m_size);
}

int SampleWindow::count() const
{
    std::lock_guard lock(m_mutex);
    return int(m_size);
}

} // namespace vigil
