#include "mqtt/mqtt_log.h"

Q_LOGGING_CATEGORY(lcMqtt, "vigil.mqtt", QtInfoMsg)
