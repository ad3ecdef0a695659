#include "detection/model_input_size.h"

#include <QFile>
#include <QSet>
#include <QTextStream>
#include <QVector>

namespace vigil {

namespace {

// Minimal protobuf reader over a byte range: enough to walk ModelProto -> GraphProto -> inputs.
class Pb {
public:
    Pb(const char* begin, const char* end) : m_p(begin), m_end(end) {}

    // Next field; false at the end or on malformed data.
    bool next(int* field, int* wire)
    {
        quint64 key = 0;
        if (m_p >= m_end || !varint(&key))
            return false;
        *field = int(key >> 3);
        *wire = int(key & 7);
        return true;
    }
    bool varint(quint64* v)
    {
        *v = 0;
        for (int shift = 0; shift < 64 && m_p < m_end; shift += 7) {
            const auto b = quint8(*m_p++);
            *v |= quint64(b & 0x7f) << shift;
            if (!(b & 0x80))
                return true;
        }
        return false;
    }
    // Length-delimited payload.
    bool bytes(Pb* sub)
    {
        quint64 len = 0;
        if (!varint(&len) || len > quint64(m_end - m_p))
            return false;
        *sub = Pb(m_p, m_p + len);
        m_p += len;
        return true;
    }
    bool skip(int wire)
    {
        quint64 v = 0;
        Pb sub(nullptr, nullptr);
        switch (wire) {
        case 0: return varint(&v);
        case 1: return advance(8);
        case 2: return bytes(&sub);
        case 5: return advance(4);
        default: return false;   // groups are not used by ONNX
        }
    }
    QByteArray text() const { return QByteArray(m_p, int(m_end - m_p)); }

private:
    bool advance(qint64 n)
    {
        if (m_end - m_p < n)
            return false;
        m_p += n;
        return true;
    }
    const char* m_p;
    const char* m_end;
};

// Finds the first sub-message with `field` and returns it in *out.
bool child(Pb msg, int field, Pb* out)
{
    int f = 0, w = 0;
    while (msg.next(&f, &w)) {
        if (f == field && w == 2)
            return msg.bytes(out);
        if (!msg.skip(w))
            return false;
    }
    return false;
}

struct ValueInfo {
    QByteArray name;
    QVector<qint64> dims;   // -1: dynamic
};

// ValueInfoProto{1: name, 2: TypeProto{1: Tensor{2: TensorShapeProto{1: Dimension{1: value}}}}}
bool parseValueInfo(Pb msg, ValueInfo* vi)
{
    int f = 0, w = 0;
    while (msg.next(&f, &w)) {
        Pb sub(nullptr, nullptr);
        if (f == 1 && w == 2) {
            if (!msg.bytes(&sub))
                return false;
            vi->name = sub.text();
        } else if (f == 2 && w == 2) {
            Pb tensor(nullptr, nullptr), shape(nullptr, nullptr);
            if (!msg.bytes(&sub) || !child(sub, 1, &tensor) || !child(tensor, 2, &shape))
                return false;
            int df = 0, dw = 0;
            while (shape.next(&df, &dw)) {
                Pb dim(nullptr, nullptr);
                if (df != 1 || dw != 2) {
                    if (!shape.skip(dw))
                        return false;
                    continue;
                }
                if (!shape.bytes(&dim))
                    return false;
                qint64 value = -1;
                int xf = 0, xw = 0;
                while (dim.next(&xf, &xw)) {
                    quint64 v = 0;
                    if (xf == 1 && xw == 0) {
                        if (!dim.varint(&v))
                            return false;
                        value = v > 0 ? qint64(v) : -1;
                    } else if (!dim.skip(xw)) {
                        return false;
                    }
                }
                vi->dims << value;
            }
        } else if (!msg.skip(w)) {
            return false;
        }
    }
    return true;
}

} // namespace

QSize onnxInputSize(const QByteArray& model)
{
    Pb top(model.constData(), model.constData() + model.size());
    Pb graph(nullptr, nullptr);
    if (!child(top, 7, &graph))   // ModelProto.graph
        return {};
    QSet<QByteArray> initializers;
    QVector<ValueInfo> inputs;
    int f = 0, w = 0;
    while (graph.next(&f, &w)) {
        Pb sub(nullptr, nullptr);
        if (f == 5 && w == 2) {          // GraphProto.initializer (TensorProto, name = 8)
            Pb name(nullptr, nullptr);
            if (!graph.bytes(&sub))
                return {};
            if (child(sub, 8, &name))
                initializers.insert(name.text());
        } else if (f == 11 && w == 2) {  // GraphProto.input
            ValueInfo vi;
            if (!graph.bytes(&sub) || !parseValueInfo(sub, &vi))
                return {};
            inputs << vi;
        } else if (!graph.skip(w)) {
            return {};
        }
    }
    for (const ValueInfo& vi : inputs) {
        if (initializers.contains(vi.name) || vi.dims.size() != 4)
            continue;
        if (vi.dims[2] <= 0 || vi.dims[3] <= 0)
            return {};
        return QSize(int(vi.dims[3]), int(vi.dims[2]));
    }
    return {};
}

QSize onnxInputSizeOfFile(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    // Map rather than read: the file can be hundreds of MB and only its structure is walked.
    const qint64 size = f.size();
    if (uchar* p = f.map(0, size)) {
        const QSize s = onnxInputSize(QByteArray::fromRawData(reinterpret_cast<const char*>(p), qsizetype(size)));
        f.unmap(p);
        return s;
    }
    return onnxInputSize(f.readAll());
}

QSize darknetInputSize(const QString& cfgPath)
{
    QFile f(cfgPath);
    if (!f.open(QIODevice::ReadOnly | QIODevice::Text))
        return {};
    QTextStream in(&f);
    bool inNet = false;
    int w = 0, h = 0;
    while (!in.atEnd()) {
        const QString line = in.readLine().trimmed();
        if (line.startsWith(QLatin1Char('['))) {
            if (inNet)
                break;
            inNet = line == QLatin1String("[net]") || line == QLatin1String("[network]");
            continue;
        }
        const int eq = line.indexOf(QLatin1Char('='));
        if (!inNet || eq < 0 || line.startsWith(QLatin1Char('#')))
            continue;
        const QString key = line.left(eq).trimmed();
        const int value = line.mid(eq + 1).trimmed().toInt();
        if (key == QLatin1String("width"))
            w = value;
        else if (key == QLatin1String("height"))
            h = value;
    }
    return w > 0 && h > 0 ? QSize(w, h) : QSize();
}

} // namespace vigil
