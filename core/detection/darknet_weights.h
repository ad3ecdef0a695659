#pragma once
// Darknet .weights sanity check: OpenCV reads a short file without complaint, leaving garbage weights.
#include <QString>
#include <opencv2/dnn.hpp>

namespace vigil {

// Empty when `weightsPath` holds at least the parameters `net` (read from it) needs; else the reason.
QString checkDarknetWeights(cv::dnn::Net& net, const QString& weightsPath);

} // namespace vigil
