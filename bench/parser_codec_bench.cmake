# parser_codec benchmarks: vigil_add_bench(...) calls
