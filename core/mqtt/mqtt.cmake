# MQTT (libmosquitto): client thread, topics, commands, Home Assistant discovery.
pkg_check_modules(MOSQUITTO REQUIRED IMPORTED_TARGET libmosquitto)
target_sources(vigil_core PRIVATE
    mqtt/mqtt_log.h mqtt/mqtt_log.cpp
    mqtt/mqtt_status.h mqtt/mqtt_status.cpp
    mqtt/outgoing_queue.h mqtt/outgoing_queue.cpp
    mqtt/mqtt_client.h mqtt/mqtt_client.cpp
    mqtt/mqtt_topics.h mqtt/mqtt_topics.cpp
    mqtt/ha_discovery.h mqtt/ha_discovery.cpp
    mqtt/stats_document.h mqtt/stats_document.cpp
    mqtt/mqtt_service.h mqtt/mqtt_service.cpp
)
target_link_libraries(vigil_core PUBLIC PkgConfig::MOSQUITTO)
