#pragma once
// Reads a model's declared input size without building the network.
#include <QByteArray>
#include <QSize>
#include <QString>

namespace vigil {

// The first graph input of an ONNX model with a static [N, C, H, W] shape (initializers skipped).
// Invalid size when the file cannot be parsed or the size is dynamic. Walks the protobuf wire
// format directly: cv::dnn 4.6 has no public accessor for the ONNX input shape.
QSize onnxInputSize(const QByteArray& model);
QSize onnxInputSizeOfFile(const QString& path);

// width= / height= of the [net] section of a Darknet .cfg; invalid size when absent.
QSize darknetInputSize(const QString& cfgPath);

} // namespace vigil
