# MQTT tests against a real mosquitto on 127.0.0.1.
vigil_add_test(tst_mqtt SOURCES tst_mqtt.cpp TIMEOUT 30)
if(TARGET vigil_cli)
    target_link_libraries(tst_mqtt PRIVATE vigil_cli)
    target_compile_definitions(tst_mqtt PRIVATE VIGIL_HAVE_CLI)
endif()
# Not under TSan: it starts mosquitto with QProcess, whose clone() clang-14's TSan runtime cannot
# follow ("CHECK failed ... ForkAfter"); the plain and ASan stages run it.
vigil_add_test(tst_mqtt_broker SOURCES tst_mqtt_broker.cpp tst_mqtt_util.h TIMEOUT 90)
vigil_add_test(tst_mqtt_pipeline SOURCES tst_mqtt_pipeline.cpp tst_mqtt_util.h TIMEOUT 150)
if(TARGET vigil)
    vigil_add_test(tst_mqtt_cli SOURCES tst_mqtt_cli.cpp tst_mqtt_util.h TIMEOUT 90)
    target_compile_definitions(tst_mqtt_cli PRIVATE VIGIL_BINARY="$<TARGET_FILE:vigil>")
    add_dependencies(tst_mqtt_cli vigil)
endif()
