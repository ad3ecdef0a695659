# Event clip tests.
vigil_add_test(tst_clip SOURCES tst_clip.cpp TIMEOUT 60)
