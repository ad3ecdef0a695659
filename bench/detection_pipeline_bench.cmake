# Detection in the live pipeline (lead's; bench_inference is in detection_bench.cmake).
vigil_add_bench(bench_detection_pipeline bench_detection_pipeline.cpp)
