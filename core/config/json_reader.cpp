#include "config/json_reader.h"

#include <QJsonArray>

#include <cmath>

namespace vigil {

JsonReader::JsonReader(const QJsonObject& obj, QStringList* errors, QString context, QString path)
    : m_obj(obj), m_errors(errors), m_context(std::move(context)), m_path(std::move(path))
{
}

bool JsonReader::has(const char* key) const
{
    const QJsonValue v = value(key);
    return !v.isUndefined() && !v.isNull();
}

void JsonReader::fail(const QString& key, const QString& why)
{
    if (m_errors)
        m_errors->append(QStringLiteral("%1\"%2%3\": %4").arg(m_context, m_path, key, why));
}

bool JsonReader::read(const char* key, QString& out)
{
    if (!has(key))
        return false;
    const QJsonValue v = value(key);
    if (!v.isString()) {
        fail(key, QStringLiteral("expected a string"));
        return false;
    }
    out = v.toString();
    return true;
}

bool JsonReader::read(const char* key, bool& out)
{
    if (!has(key))
        return false;
    const QJsonValue v = value(key);
    if (!v.isBool()) {
        fail(key, QStringLiteral("expected true or false"));
        return false;
    }
    out = v.toBool();
    return true;
}

bool JsonReader::read(const char* key, double& out, double lo, double hi)
{
    if (!has(key))
        return false;
    const QJsonValue v = value(key);
    if (!v.isDouble()) {
        fail(key, QStringLiteral("expected a number"));
        return false;
    }
    const double d = v.toDouble();
    if (!(d >= lo && d <= hi)) {  // also rejects NaN
        fail(key, QStringLiteral("%1 is out of range (%2..%3)").arg(d).arg(lo).arg(hi));
        return false;
    }
    out = d;
    return true;
}

bool JsonReader::wholeNumber(const char* key, double& out, double lo, double hi)
{
    double d = out;
    if (!read(key, d, lo, hi))
        return false;
    if (d != std::floor(d)) {
        fail(key, QStringLiteral("%1 is not a whole number").arg(d));
        return false;
    }
    out = d;
    return true;
}

bool JsonReader::read(const char* key, int& out, int lo, int hi)
{
    double d = out;
    if (!wholeNumber(key, d, lo, hi))
        return false;
    out = int(d);
    return true;
}

bool JsonReader::read(const char* key, qint64& out, qint64 lo, qint64 hi)
{
    // Limits stay far below 2^53, where doubles hold every whole number exactly.
    double d = double(out);
    if (!wholeNumber(key, d, double(lo), double(hi)))
        return false;
    out = qint64(d);
    return true;
}

bool JsonReader::read(const char* key, QStringList& out)
{
    if (!has(key))
        return false;
    const QJsonValue v = value(key);
    QStringList list;
    bool ok = v.isArray();
    for (const QJsonValue& item : v.toArray()) {
        ok = ok && item.isString();
        list << item.toString();
    }
    if (!ok) {
        fail(key, QStringLiteral("expected a list of strings"));
        return false;
    }
    out = list;
    return true;
}

JsonReader JsonReader::object(const char* key)
{
    const QJsonValue v = value(key);
    if (has(key) && !v.isObject())
        fail(key, QStringLiteral("expected an object"));
    return JsonReader(v.toObject(), m_errors, m_context, m_path + QLatin1String(key) + '.');
}

} // namespace vigil
