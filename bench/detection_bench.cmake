# detection benchmarks: vigil_add_bench(...) calls
