# Long-run stability: memory, threads, files and latency over minutes of outages and viewer churn.
vigil_add_bench(bench_soak bench_soak.cpp)
