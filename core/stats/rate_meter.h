#pragma once
// Events per second over a sliding window, and percentiles over the last N samples. Thread-safe.
#include <QtGlobal>
#include <mutex>
#include <vector>

namespace vigil {

class RateMeter {
public:
    explicit RateMeter(qint64 windowNs = 1'000'000'000, int capacity = 512);
    void mark(qint64 nowNs);
    double perSecond(qint64 nowNs) const;

private:
    mutable std::mutex m_mutex;
    qint64 m_windowNs;
    std::vector<qint64> m_ring;
    size_t m_next = 0;
    size_t m_size = 0;
};

class SampleWindow {
public:
    explicit SampleWindow(int capacity = 256);
    void add(double v);
    double percentile(double p) const;  // p in [0, 100]; 0 when empty
    double mean() const;
    int count() const;

private:
    mutable std::mutex m_mutex;
    std::vector<double> m_ring;
    size_t m_next = 0;
    size_t m_size = 0;
};

} // namespace vigil
