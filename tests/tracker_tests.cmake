# Event tracker tests.
vigil_add_test(tst_object_tracker SOURCES tst_object_tracker.cpp)
