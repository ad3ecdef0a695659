#include "rebroadcast/camera_registry.h"

#include "rebroadcast/camera_feed.h"

namespace vigil {

bool CameraRegistry::add(Camera* camera, const QString& id)
{
    std::lock_guard lock(m_mutex);
    for (const Entry& e : std::as_const(m_entries))
        if (e.camera == camera || e.id == id)
            return false;
    m_entries.append({camera, id, nullptr});
    return true;
}

CameraFeed* CameraRegistry::remove(Camera* camera, QString* id, bool cameraAlive)
{
    std::lock_guard lock(m_mutex);
    for (qsizetype i = 0; i < m_entries.size(); ++i) {
        if (m_entries[i].camera != camera)
            continue;
        const Entry e = m_entries.takeAt(i);
        if (id)
            *id = e.id;
        if (e.feed)
            e.feed->detach(cameraAlive);
        return e.feed;
    }
    return nullptr;
}

QList<CameraFeed*> CameraRegistry::clear()
{
    std::lock_guard lock(m_mutex);
    QList<CameraFeed*> feeds;
    for (const Entry& e : std::as_const(m_entries)) {
        if (e.feed) {
            e.feed->detach();
            feeds.append(e.feed);
        }
    }
    m_entries.clear();
    return feeds;
}

CameraFeed* CameraRegistry::createFeed(Camera* camera, const std::function<CameraFeed*(Camera*)>& make)
{
    std::lock_guard lock(m_mutex);
    for (Entry& e : m_entries) {
        if (e.camera == camera) {
            if (!e.feed)
                e.feed = make(camera);
            return e.feed;
        }
    }
    return nullptr;
}

void CameraRegistry::withCameras(const std::function<void(const QList<Camera*>&)>& f) const
{
    std::lock_guard lock(m_mutex);
    QList<Camera*> cameras;
    cameras.reserve(m_entries.size());
    for (const Entry& e : m_entries)
        cameras.append(e.camera);
    f(cameras);
}

QList<CameraRegistry::Entry> CameraRegistry::entries() const
{
    std::lock_guard lock(m_mutex);
    return m_entries;
}

} // namespace vigil
