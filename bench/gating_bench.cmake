# Motion-gated detection and events benchmarks.
add_library(vigil_bench_scene STATIC bench_scene.h bench_scene.cpp)
target_link_libraries(vigil_bench_scene PUBLIC vigil_core vigil_bench_util)
vigil_add_bench(bench_gating bench_gating.cpp)
target_link_libraries(bench_gating PRIVATE vigil_bench_scene)
vigil_add_bench(bench_events bench_events.cpp)
target_link_libraries(bench_events PRIVATE vigil_bench_scene)
