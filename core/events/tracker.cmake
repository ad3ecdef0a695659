# Event tracking: detections across inferred frames become tracked objects (owned by the tracker work).
target_sources(vigil_core PRIVATE
    events/zone.h events/zone.cpp
    events/object_tracker.h events/object_tracker.cpp
)
