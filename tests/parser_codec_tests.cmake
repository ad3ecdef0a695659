# parser_codec tests: vigil_add_test(...) calls
vigil_add_test(tst_mjpeg_parser SOURCES tst_mjpeg_parser.cpp)
vigil_add_test(tst_jpeg_codec SOURCES tst_jpeg_codec.cpp)
