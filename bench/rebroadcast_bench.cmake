# rebroadcast benchmarks: vigil_add_bench(...) calls
vigil_add_bench(bench_rebroadcast bench_rebroadcast.cpp)
