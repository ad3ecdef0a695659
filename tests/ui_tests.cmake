# ui tests: vigil_add_test(...) calls
vigil_add_test(tst_app_settings SOURCES tst_app_settings.cpp TIMEOUT 60)
vigil_add_test(tst_snapshot_writer SOURCES tst_snapshot_writer.cpp TIMEOUT 60)
vigil_add_test(tst_ui_main_window SOURCES tst_ui_main_window.cpp LIBS vigil_ui TIMEOUT 120)
vigil_add_test(tst_polygon_editor SOURCES tst_polygon_editor.cpp LIBS vigil_ui TIMEOUT 60)
vigil_add_test(tst_empty_state SOURCES tst_empty_state.cpp LIBS vigil_ui TIMEOUT 60)
vigil_add_test(tst_redaction_paths SOURCES tst_redaction_paths.cpp LIBS vigil_ui TIMEOUT 120)

# The Debian package made by CPack from this build (see packaging/cpack.cmake).
vigil_add_test(tst_package SOURCES tst_package.cpp TIMEOUT 240)
target_compile_definitions(tst_package PRIVATE VIGIL_BUILD_DIR="${PROJECT_BINARY_DIR}"
                                               VIGIL_CPACK="${CMAKE_CPACK_COMMAND}")
add_dependencies(tst_package vigil)
vigil_add_test(tst_zone_editor SOURCES tst_zone_editor.cpp LIBS vigil_ui TIMEOUT 120)
vigil_add_test(tst_event_notifier SOURCES tst_event_notifier.cpp LIBS vigil_ui TIMEOUT 60)
vigil_add_test(tst_events_window SOURCES tst_events_window.cpp LIBS vigil_ui TIMEOUT 180)
vigil_add_test(tst_mqtt_settings_ui SOURCES tst_mqtt_settings_ui.cpp LIBS vigil_ui TIMEOUT 60)
