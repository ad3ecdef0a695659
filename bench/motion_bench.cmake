# Motion benchmarks: vigil_add_bench(...) calls
vigil_add_bench(bench_motion bench_motion.cpp)
