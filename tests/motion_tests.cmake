# Motion analysis tests.
vigil_add_test(tst_motion_detector SOURCES tst_motion_detector.cpp)
