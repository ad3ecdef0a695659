#pragma once
// The cameras of a rebroadcast server, shared by the owner's thread (add/remove) and the server
// thread (routes, feeds). The server thread touches a Camera only inside withCameras(), under the
// registry's lock, so after remove() returns it never touches that camera again.
#include <QList>
#include <QString>
#include <functional>
#include <mutex>

namespace vigil {

class Camera;
class CameraFeed;

class CameraRegistry {
public:
    struct Entry {
        Camera* camera = nullptr;
        QString id;
        CameraFeed* feed = nullptr;  // created and deleted in the server thread
    };

    // Owner's thread. False when the camera (or its id) is already there.
    bool add(Camera* camera, const QString& id);
    // Owner's thread: removes the camera and detaches its feed (no delivery after this returns).
    // Returns the feed for the server thread to delete (null if it was never created).
    // cameraAlive false: called from the camera's destruction, the feed only forgets it.
    CameraFeed* remove(Camera* camera, QString* id, bool cameraAlive = true);
    // Removes everything (detaching every feed); returns the feeds to delete.
    QList<CameraFeed*> clear();

    // Server thread: creates the feed of a camera still registered (under the lock, so the camera
    // cannot go away meanwhile). Returns null when the camera was removed in the meantime.
    CameraFeed* createFeed(Camera* camera, const std::function<CameraFeed*(Camera*)>& make);

    // Under the lock: cameras in the order they were added. Keep `f` short (getters only).
    void withCameras(const std::function<void(const QList<Camera*>&)>& f) const;
    QList<Entry> entries() const;

private:
    mutable std::mutex m_mutex;
    QList<Entry> m_entries;
};

} // namespace vigil
