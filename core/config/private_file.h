#pragma once
// Files that hold secrets (camera passwords, the rebroadcast token): readable by their owner only.
// They are created private, never loosened and tightened afterwards: missing folders are made 0700,
// the file is written to a new 0600 file beside it and renamed over the old one (atomic: the old
// file stays intact when writing fails).
#include <QByteArray>
#include <QString>

namespace vigil {

bool writePrivateFile(const QString& path, const QByteArray& bytes, QString* error = nullptr);

// Creates the missing folders of dir, each 0700 (existing ones are left as they are).
bool makePrivatePath(const QString& dir);

} // namespace vigil
