# parser_codec benchmarks: vigil_add_bench(...) calls
vigil_add_bench(bench_parser bench_parser.cpp)
vigil_add_bench(bench_decode bench_decode.cpp)
target_compile_definitions(bench_decode PRIVATE VIGIL_BENCH_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
vigil_add_bench(bench_hostile bench_hostile.cpp)
target_include_directories(bench_hostile PRIVATE ${PROJECT_SOURCE_DIR}/tests)
