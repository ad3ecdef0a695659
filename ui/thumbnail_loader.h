#pragma once
// Event thumbnails (<dir>/snapshots/<id>-thumb.jpg) for the events list: read and scaled on a
// worker thread, kept in a memory-bounded cache, each id loaded once at a time. Only what a view
// asks for is loaded, newest request first, so fast scrolling does not queue the whole list.
#include <QCache>
#include <QImage>
#include <QObject>
#include <QSet>
#include <QSize>
#include <QString>
#include <QThreadPool>
#include <deque>

namespace vigil {

class ThumbnailLoader : public QObject {
    Q_OBJECT
public:
    explicit ThumbnailLoader(QObject* parent = nullptr);
    ~ThumbnailLoader() override;  // waits for the load in flight (one small JPEG)

    // Forgets everything loaded from the previous folder.
    void setFolder(const QString& dir);
    QString folder() const { return m_dir; }
    void setThumbnailSize(const QSize& size);  // images fit in it, aspect kept (default 64x36)
    QSize thumbnailSize() const { return m_size; }
    void setCacheBytes(qint64 bytes);

    // The cached thumbnail: null when it is missing or not loaded yet; then a load is queued
    // (once) and thumbnailReady(id) follows when it is there.
    QImage thumbnail(const QString& id);
    // Loaded or known to be missing.
    bool isKnown(const QString& id) const { return m_cache.contains(id); }
    // The file may have changed (a better snapshot, a thumbnail written late): a shown thumbnail
    // is read again (kept until then), a missing one is looked for at the next request.
    void invalidate(const QString& id);

    int pendingCount() const { return int(m_pending.size()); }
    quint64 loadsCompleted() const { return m_loaded; }

    static constexpr int kMaxQueued = 256;  // older requests are dropped (asked again when painted)

signals:
    // Emitted on the loader's thread (the GUI's). Not emitted for a missing file.
    void thumbnailReady(const QString& id);

private:
    void startNext();
    void finished(quint64 generation, const QString& id, const QImage& image);

    QString m_dir;
    QSize m_size{64, 36};
    QCache<QString, QImage> m_cache;   // a null image: the file is missing
    std::deque<QString> m_queue;       // newest last
    QSet<QString> m_pending;           // queued or loading
    QThreadPool m_pool;
    int m_running = 0;
    quint64 m_generation = 0;          // bumped by setFolder: older results are dropped
    quint64 m_loaded = 0;
};

} // namespace vigil
