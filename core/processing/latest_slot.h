#pragma once
// One pending value between two stages: a newer value replaces the pending one ("latest wins").
// Like scrcpy's frame_buffer: put() reports whether it replaced a value nobody had taken.
#include <mutex>
#include <optional>
#include <utility>

namespace vigil {

template <typename T>
class LatestSlot {
public:
    // Returns true when a pending value was replaced (the caller counts it as superseded).
    bool put(T value)
    {
        std::lock_guard lock(m_mutex);
        const bool replaced = m_value.has_value();
        m_value = std::move(value);
        if (replaced)
            ++m_replaced;
        return replaced;
    }
    std::optional<T> take()
    {
        std::lock_guard lock(m_mutex);
        std::optional<T> out;
        out.swap(m_value);
        return out;
    }
    bool hasValue() const
    {
        std::lock_guard lock(m_mutex);
        return m_value.has_value();
    }
    unsigned long long replacedCount() const
    {
        std::lock_guard lock(m_mutex);
        return m_replaced;
    }
    void clear()
    {
        std::lock_guard lock(m_mutex);
        m_value.reset();
    }

private:
    mutable std::mutex m_mutex;
    std::optional<T> m_value;
    unsigned long long m_replaced = 0;
};

} // namespace vigil
