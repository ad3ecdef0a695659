# Event store at 100 000 events: insert rate, query latency per filter, reopen, retention.
vigil_add_bench(bench_event_store bench_event_store.cpp)
