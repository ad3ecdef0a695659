#pragma once
// The selected event: its snapshot large (clean, or with the object's box), its fields, and what
// can be done with it: play the clip, export, delete, copy its API link.
#include <QHash>
#include <QImage>
#include <QTimer>
#include <QUrl>
#include <QWidget>
#include <functional>
#include <memory>

#include "events/event.h"

class QCheckBox;
class QLabel;
class QPushButton;

namespace vigil {

class EventStore;

class EventDetails : public QWidget {
    Q_OBJECT
public:
    explicit EventDetails(QWidget* parent = nullptr);
    ~EventDetails() override;

    void setEventsFolder(const QString& dir);
    // The rebroadcast server's base URL (e.g. http://host:8080); empty when it is off.
    void setApiBase(const QUrl& base);
    // Deletes an event: "" on success, else why not. Called on a worker thread, since
    // EventService::removeEvent() waits for the events thread.
    using Remover = std::function<QString(const QString& id)>;
    void setRemover(Remover remover);

    // Where an event's clip is when it is not stored here (a remote node's event): a description
    // such as "node attic" ("" when none). Play then fetches it.
    using ClipElsewhere = std::function<QString(const Event& event)>;
    void setClipElsewhere(ClipElsewhere where);

    void setEvent(const Event& event);  // reads its snapshot
    // The shown event changed (live): fields; the picture only when the snapshot is new.
    void updateEvent(const Event& event);
    void clear();
    bool hasEvent() const { return !m_event.id.isEmpty(); }
    Event event() const { return m_event; }

    void setShowBox(bool on);
    bool showsBox() const;
    // The link without any token: whoever opens it authenticates themselves.
    QUrl apiLink() const;
    void copyApiLink();
    // Copies the event's files and JSON into folder on a worker thread; exportFinished() follows.
    void exportTo(const QString& folder);
    // Asks for confirmation, then deletes (on a worker thread); deleteFinished() follows.
    void requestDelete();

    // What is shown (for tests and the panel).
    QImage picture() const { return m_picture; }  // null: the placeholder text is shown
    QString placeholderText() const;
    QString statusText() const;
    QString fieldText(const QString& name) const;  // "camera", "label", "zones", "start", "end", "duration", "score", "id"
    QCheckBox* boxToggle() const { return m_showBox; }
    QPushButton* playButton() const { return m_play; }
    QPushButton* exportButton() const { return m_export; }
    QPushButton* deleteButton() const { return m_delete; }
    QPushButton* linkButton() const { return m_link; }

signals:
    void playClipRequested(const QString& id);
    void exportFinished(bool ok, const QString& message);
    void deleteFinished(const QString& id, bool ok, const QString& message);

private:
    class PictureView;
    void loadPicture();
    void showFields();
    void updateActions();
    void setStatus(const QString& text, bool error);
    void chooseExportFolder();

    QString m_dir;
    std::unique_ptr<EventStore> m_store;  // GUI-thread reader (the track for export)
    QUrl m_apiBase;
    Remover m_remover;
    ClipElsewhere m_clipElsewhere;
    Event m_event;
    QImage m_picture;
    PictureView* m_view;
    QCheckBox* m_showBox;
    QHash<QString, QLabel*> m_fields;
    QPushButton* m_play;
    QPushButton* m_export;
    QPushButton* m_delete;
    QPushButton* m_link;
    QLabel* m_status;
    QTimer m_ticker;  // live duration while in progress
    bool m_busy = false;  // an export or delete is running
};

} // namespace vigil
