# Core pipeline tests.
vigil_add_test(tst_frame_gate SOURCES tst_frame_gate.cpp)
vigil_add_test(tst_latest_slot SOURCES tst_latest_slot.cpp)
vigil_add_test(tst_scheduler SOURCES tst_scheduler.cpp)
vigil_add_test(tst_camera_reader SOURCES tst_camera_reader.cpp)
vigil_add_test(tst_camera_config SOURCES tst_camera_config.cpp)
