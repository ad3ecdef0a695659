# detection tests: vigil_add_test(...) calls
vigil_add_test(tst_yolo_decode SOURCES tst_yolo_decode.cpp)
vigil_add_test(tst_detector_models SOURCES tst_detector_models.cpp TIMEOUT 300)
vigil_add_test(tst_detector_errors SOURCES tst_detector_errors.cpp)
