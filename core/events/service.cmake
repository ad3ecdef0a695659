# Event service: wires tracking, the store, snapshots and clips into the pipeline.
target_sources(vigil_core PRIVATE
    events/event_snapshots.h events/event_snapshots.cpp
    events/event_service.h events/event_service.cpp
)
