#include "config/private_file.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <unistd.h>

namespace vigil {

namespace {

constexpr QFile::Permissions kOwnerOnlyDir = QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner;
constexpr QFile::Permissions kOwnerOnlyFile = QFile::ReadOwner | QFile::WriteOwner;

void setError(QString* error, const QString& text)
{
    if (error)
        *error = text;
}

} // namespace

bool makePrivatePath(const QString& dir)
{
    const QString abs = QDir::cleanPath(QFileInfo(dir).absoluteFilePath());
    if (QFileInfo(abs).isDir())
        return true;
    const QString parent = QFileInfo(abs).path();
    if (parent != abs && !makePrivatePath(parent))
        return false;
    // Created with its permissions (mkdir(2) mode), so it is never visible to others.
    return QDir().mkdir(abs, kOwnerOnlyDir) || QFileInfo(abs).isDir();
}

bool writePrivateFile(const QString& path, const QByteArray& bytes, QString* error)
{
    const QString dir = QFileInfo(path).absolutePath();
    if (!makePrivatePath(dir)) {
        setError(error, QStringLiteral("Could not create the folder %1").arg(QDir::toNativeSeparators(dir)));
        return false;
    }
    // A new temporary file (O_EXCL) created 0600, renamed over the target once complete.
    QString tmpPath;
    QFile tmp;
    for (int i = 0; i < 100; ++i) {
        tmpPath = QStringLiteral("%1.%2-%3.tmp").arg(path).arg(QCoreApplication::applicationPid()).arg(i);
        tmp.setFileName(tmpPath);
        if (tmp.open(QIODevice::WriteOnly | QIODevice::NewOnly, kOwnerOnlyFile))
            break;
        if (!QFile::exists(tmpPath))
            break;
    }
    if (!tmp.isOpen()) {
        setError(error, QStringLiteral("Could not write %1: %2").arg(QDir::toNativeSeparators(path), tmp.errorString()));
        return false;
    }
    const bool written = tmp.write(bytes) == bytes.size() && tmp.flush() && ::fsync(tmp.handle()) == 0;
    const QString writeError = tmp.errorString();
    tmp.close();
    if (!written) {
        QFile::remove(tmpPath);
        setError(error, QStringLiteral("Could not save %1: %2").arg(QDir::toNativeSeparators(path), writeError));
        return false;
    }
    // rename(2) replaces the old file atomically (QFile::rename refuses an existing target).
    if (std::rename(QFile::encodeName(tmpPath).constData(), QFile::encodeName(path).constData()) != 0) {
        const QString why = QString::fromLocal8Bit(std::strerror(errno));
        QFile::remove(tmpPath);
        setError(error, QStringLiteral("Could not save %1: %2").arg(QDir::toNativeSeparators(path), why));
        return false;
    }
    return true;
}

} // namespace vigil
