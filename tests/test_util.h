#pragma once
// Shared helpers for tests: where the shared models and photos are.
#include <QString>
#include <opencv2/core.hpp>

namespace vigil::test {

// $VIGIL_MODELS_DIR, else <source>/../shared/models.
QString modelsDir();
// $VIGIL_TESTDATA_DIR, else <source>/../shared/testdata.
QString testdataDir();
// Reads a whole file; empty on failure.
QByteArray readFile(const QString& path);
// A JPEG photo as 8-bit BGR, through the app's own decoder; empty on failure.
cv::Mat readPhotoBgr(const QString& path);

} // namespace vigil::test
