# detection benchmarks: vigil_add_bench(...) calls
vigil_add_bench(bench_inference bench_inference.cpp)
