# One line per harness: vigil_add_fuzzer(<name> <source.cpp> [ARGS libFuzzer flags...]).
# Seed inputs go in corpus/<name>/.
vigil_add_fuzzer(fuzz_settings fuzz_settings.cpp
                 ARGS -max_len=65536 -dict=${CMAKE_CURRENT_SOURCE_DIR}/fuzz_settings.dict)
vigil_add_fuzzer(fuzz_jpeg_header fuzz_jpeg_header.cpp ARGS -max_len=65536)
vigil_add_fuzzer(fuzz_http_request fuzz_http_request.cpp ARGS -max_len=8192)
vigil_add_fuzzer(fuzz_mjpeg_parser fuzz_mjpeg_parser.cpp ARGS -max_len=65536)
