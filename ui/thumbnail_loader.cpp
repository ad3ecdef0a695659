#include "thumbnail_loader.h"

#include <QFileInfo>
#include <QImageReader>

#include "events/event_store.h"

namespace vigil {

namespace {

constexpr int kWorkers = 1;  // decoding a thumbnail takes a millisecond; the machine has few cores

// Reads the file scaled while decoding (JPEG can skip detail), fit into size.
QImage readScaled(const QString& path, const QSize& size)
{
    if (path.isEmpty() || !QFileInfo::exists(path))
        return {};
    QImageReader reader(path);
    const QSize full = reader.size();
    if (full.isValid())
        reader.setScaledSize(full.scaled(size, Qt::KeepAspectRatio));
    QImage image = reader.read();
    if (image.isNull())
        return {};
    if (image.width() > size.width() || image.height() > size.height())
        image = image.scaled(size, Qt::KeepAspectRatio, Qt::SmoothTransformation);
    return image.convertToFormat(QImage::Format_RGB32);  // the fastest to paint
}

} // namespace

ThumbnailLoader::ThumbnailLoader(QObject* parent) : QObject(parent)
{
    m_pool.setMaxThreadCount(kWorkers);
    m_cache.setMaxCost(8 * 1024 * 1024);
}

ThumbnailLoader::~ThumbnailLoader()
{
    m_pool.clear();
    m_pool.waitForDone();
}

void ThumbnailLoader::setFolder(const QString& dir)
{
    if (dir == m_dir)
        return;
    m_dir = dir;
    ++m_generation;
    m_cache.clear();
    m_queue.clear();
    m_pending.clear();
}

void ThumbnailLoader::setThumbnailSize(const QSize& size)
{
    if (size == m_size || size.isEmpty())
        return;
    m_size = size;
    ++m_generation;
    m_cache.clear();
    m_queue.clear();
    m_pending.clear();
}

void ThumbnailLoader::setCacheBytes(qint64 bytes)
{
    m_cache.setMaxCost(qsizetype(std::max<qint64>(bytes, 1)));
}

QImage ThumbnailLoader::thumbnail(const QString& id)
{
    if (const QImage* image = m_cache.object(id))
        return *image;
    if (m_dir.isEmpty() || !isValidEventId(id) || m_pending.contains(id))
        return {};
    m_pending.insert(id);
    m_queue.push_back(id);
    while (m_queue.size() > size_t(kMaxQueued)) {
        m_pending.remove(m_queue.front());
        m_queue.pop_front();
    }
    startNext();
    return {};
}

void ThumbnailLoader::invalidate(const QString& id)
{
    const QImage* image = m_cache.object(id);
    if (!image)
        return;
    if (image->isNull()) {
        m_cache.remove(id);  // asked again when next painted
        return;
    }
    // Shown: keep showing it until the new one is read (no blank flash).
    if (m_pending.contains(id) || m_dir.isEmpty())
        return;
    m_pending.insert(id);
    m_queue.push_back(id);
    startNext();
}

void ThumbnailLoader::startNext()
{
    while (m_running < kWorkers && !m_queue.empty()) {
        const QString id = m_queue.back();  // the latest request is the likeliest still on screen
        m_queue.pop_back();
        ++m_running;
        const QString path = EventStore::snapshotPathIn(m_dir, id, SnapshotKind::Thumbnail);
        const QSize size = m_size;
        const quint64 generation = m_generation;
        // The destructor waits for the pool, so `this` outlives the task; the result is posted
        // (queued) back to this object's thread.
        m_pool.start([this, path, size, generation, id] {
            const QImage image = readScaled(path, size);
            QMetaObject::invokeMethod(this, [this, generation, id, image] { finished(generation, id, image); },
                                      Qt::QueuedConnection);
        });
    }
}

void ThumbnailLoader::finished(quint64 generation, const QString& id, const QImage& image)
{
    --m_running;
    if (generation == m_generation) {
        m_pending.remove(id);
        ++m_loaded;
        m_cache.insert(id, new QImage(image), image.isNull() ? 1 : qsizetype(image.sizeInBytes()));
        if (!image.isNull())
            emit thumbnailReady(id);
    }
    startNext();
}

} // namespace vigil
