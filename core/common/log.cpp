#include "common/log.h"

Q_LOGGING_CATEGORY(lcReader, "vigil.reader", QtInfoMsg)
Q_LOGGING_CATEGORY(lcPipeline, "vigil.pipeline", QtInfoMsg)
Q_LOGGING_CATEGORY(lcDetect, "vigil.detect", QtInfoMsg)
Q_LOGGING_CATEGORY(lcServer, "vigil.server", QtInfoMsg)
Q_LOGGING_CATEGORY(lcApp, "vigil.app", QtInfoMsg)
