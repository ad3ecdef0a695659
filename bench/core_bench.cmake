# Core pipeline benchmark (no detector).
vigil_add_bench(bench_pipeline bench_pipeline.cpp)
