# source.mjpeg fan-out tests.
# threading: the reader thread hands frames to the server thread; also run under TSan.
vigil_add_test(tst_source_mjpeg SOURCES tst_source_mjpeg.cpp TIMEOUT 180 LABELS threading)
