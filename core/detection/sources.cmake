# Detection sources (owned by the detection work). Paths relative to core/.
target_sources(vigil_core PRIVATE
    detection/detector.h
)
