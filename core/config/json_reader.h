#pragma once
// The one reader of typed values from the configuration's JSON objects (settings, cameras, limits).
// A missing or null key keeps the caller's default; a bad one keeps it too and adds one error that
// names where it is and the key: `camera #2 "garage": "fps": 2000 is out of range (0..1000)`.
#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace vigil {

class JsonReader {
public:
    // context: who the object belongs to ("camera #2 \"garage\": "), path: its key path ("limits.").
    JsonReader(const QJsonObject& obj, QStringList* errors, QString context = {}, QString path = {});

    // Each returns true when the key was present and valid (out is then set).
    bool read(const char* key, QString& out);
    bool read(const char* key, bool& out);
    bool read(const char* key, double& out, double lo, double hi);
    bool read(const char* key, int& out, int lo, int hi);          // whole numbers only
    bool read(const char* key, qint64& out, qint64 lo, qint64 hi);  // whole numbers only
    bool read(const char* key, QStringList& out);                   // a list of strings
    // A nested object ("snapshot", "limits"): missing keeps defaults; not an object is an error.
    JsonReader object(const char* key);

    QJsonValue value(const char* key) const { return m_obj.value(QLatin1String(key)); }
    bool has(const char* key) const;  // present and not null
    void fail(const QString& key, const QString& why);

private:
    bool wholeNumber(const char* key, double& out, double lo, double hi);

    QJsonObject m_obj;
    QStringList* m_errors;
    QString m_context;
    QString m_path;
};

} // namespace vigil
