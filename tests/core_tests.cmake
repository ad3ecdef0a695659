# Core pipeline tests.
vigil_add_test(tst_redact SOURCES tst_redact.cpp)
vigil_add_test(tst_frame_gate SOURCES tst_frame_gate.cpp)
vigil_add_test(tst_scheduler SOURCES tst_scheduler.cpp)
vigil_add_test(tst_camera_reader SOURCES tst_camera_reader.cpp jpeg_test_data.h)
vigil_add_test(tst_connection_test SOURCES tst_connection_test.cpp jpeg_test_data.h TIMEOUT 120)
vigil_add_test(tst_hostile_camera SOURCES tst_hostile_camera.cpp hostile_camera_server.h TIMEOUT 120)
# Qt leaks its own HTTP thread when a flooding camera keeps it busy at teardown (see the file).
set_property(TEST tst_hostile_camera APPEND PROPERTY ENVIRONMENT
    "LSAN_OPTIONS=suppressions=${CMAKE_CURRENT_SOURCE_DIR}/lsan_network_flood.supp:print_suppressions=0")
vigil_add_test(tst_camera_config SOURCES tst_camera_config.cpp)
if(TARGET vigil)
    vigil_add_test(tst_cli SOURCES tst_cli.cpp LIBS vigil_cli)
    target_compile_definitions(tst_cli PRIVATE VIGIL_BINARY="$<TARGET_FILE:vigil>")
    add_dependencies(tst_cli vigil)
endif()
vigil_add_test(tst_detection_pipeline SOURCES tst_detection_pipeline.cpp)
vigil_add_test(tst_consumer_sizes SOURCES tst_consumer_sizes.cpp TIMEOUT 120)
