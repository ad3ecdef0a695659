# ui tests: vigil_add_test(...) calls
vigil_add_test(tst_app_settings SOURCES tst_app_settings.cpp TIMEOUT 60)
vigil_add_test(tst_snapshot_writer SOURCES tst_snapshot_writer.cpp TIMEOUT 60)
vigil_add_test(tst_ui_main_window SOURCES tst_ui_main_window.cpp LIBS vigil_ui TIMEOUT 120)
