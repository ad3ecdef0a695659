#pragma once
// File-system helpers of the event store: private folders, complete-or-absent file writes, and
// which event a file belongs to.
#include <QByteArray>
#include <QString>
#include <QStringList>

namespace vigil::event_files {

// Creates dir 0700 (and missing parents 0700). An existing dir owned by this user with group or
// other permissions is tightened to 0700 (*note says so); one owned by someone else is left alone
// (*note says so too). False with *error when dir cannot be made.
bool ensurePrivateDir(const QString& dir, QString* note, QString* error);

struct WriteResult {
    bool ok = false;
    int errnoValue = 0;  // of the failing call
    QString error;
};
// Writes bytes to "<path>.tmp" (0600), fsyncs and renames it over path: path is either the
// complete new content or untouched. Nothing is left behind on failure.
WriteResult writeFileAtomically(const QString& path, const QByteArray& bytes);

// ENOSPC, EDQUOT and EFBIG: the write failed for want of room, not because something is broken.
bool isNoRoom(int errnoValue);

// The event ids a store file name may belong to ("<id>-bbox.jpg", "<id>.mkv.part", ...): "a-bbox.jpg"
// is the bbox snapshot of "a" or the clean one of "a-bbox". Empty for a name the store does not make.
QStringList eventIdsOfFile(const QString& fileName);

// Size of a file in bytes, 0 when missing.
qint64 fileSize(const QString& path);

} // namespace vigil::event_files
