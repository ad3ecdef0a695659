# source.mjpeg fan-out benchmark.
vigil_add_bench(bench_source bench_source.cpp)
