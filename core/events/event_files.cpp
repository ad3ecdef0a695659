#include "events/event_files.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/private_file.h"
#include "events/event.h"

namespace vigil::event_files {

bool ensurePrivateDir(const QString& dir, QString* note, QString* error)
{
    const QByteArray path = QFile::encodeName(QDir::cleanPath(QFileInfo(dir).absoluteFilePath()));
    struct stat st {};
    if (::stat(path.constData(), &st) != 0) {
        if (!makePrivatePath(dir)) {
            if (error)
                *error = QStringLiteral("cannot create %1: %2").arg(dir, QString::fromLocal8Bit(std::strerror(errno)));
            return false;
        }
        return true;
    }
    if (!S_ISDIR(st.st_mode)) {
        if (error)
            *error = QStringLiteral("%1 exists and is not a folder").arg(dir);
        return false;
    }
    if ((st.st_mode & 077) == 0)
        return true;
    // Snapshots show people: a folder of ours that others can read is tightened. Someone else's
    // folder (a shared mount, root's) is theirs to decide; we only say so.
    if (st.st_uid == ::geteuid() && ::chmod(path.constData(), 0700) == 0) {
        if (note)
            *note = QStringLiteral("tightened %1 from %2 to 0700").arg(dir).arg(st.st_mode & 0777, 4, 8, QChar(u'0'));
    } else if (note) {
        *note = QStringLiteral("%1 is readable by others (mode %2) and not ours to change")
                    .arg(dir).arg(st.st_mode & 0777, 4, 8, QChar(u'0'));
    }
    return true;
}

WriteResult writeFileAtomically(const QString& path, const QByteArray& bytes)
{
    WriteResult r;
    const QByteArray target = QFile::encodeName(path);
    const QByteArray tmp = target + ".tmp";
    auto fail = [&](const char* what, int fd) {
        r.errnoValue = errno;
        r.error = QStringLiteral("%1 %2: %3").arg(QLatin1String(what), path,
                                                  QString::fromLocal8Bit(std::strerror(r.errnoValue)));
        if (fd >= 0)
            ::close(fd);
        ::unlink(tmp.constData());
        return r;
    };
    const int fd = ::open(tmp.constData(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return fail("cannot create", -1);
    const char* p = bytes.constData();
    qsizetype left = bytes.size();
    while (left > 0) {
        const ssize_t n = ::write(fd, p, size_t(left));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n == 0)
                errno = ENOSPC;
            return fail("cannot write", fd);
        }
        p += n;
        left -= n;
    }
    // The data must be on disk before the name says the file is complete.
    if (::fsync(fd) != 0)
        return fail("cannot write", fd);
    if (::close(fd) != 0)
        return fail("cannot write", -1);
    if (::rename(tmp.constData(), target.constData()) != 0)
        return fail("cannot rename", -1);
    r.ok = true;
    return r;
}

bool isNoRoom(int e)
{
    return e == ENOSPC || e == EDQUOT || e == EFBIG;
}

QStringList eventIdsOfFile(const QString& fileName)
{
    static const char* const kSuffixes[] = {"-bbox.jpg", "-thumb.jpg", ".jpg", ".mkv"};
    QString name = fileName;
    for (const char* temp : {".tmp", ".part"})
        if (name.endsWith(QLatin1String(temp)))
            name.chop(qsizetype(std::strlen(temp)));
    QStringList ids;
    for (const char* suffix : kSuffixes) {
        if (name.endsWith(QLatin1String(suffix))) {
            const QString id = name.chopped(qsizetype(std::strlen(suffix)));
            if (isValidEventId(id))
                ids.append(id);
        }
    }
    return ids;
}

qint64 fileSize(const QString& path)
{
    struct stat st {};
    return ::stat(QFile::encodeName(path).constData(), &st) == 0 ? qint64(st.st_size) : 0;
}

} // namespace vigil::event_files
