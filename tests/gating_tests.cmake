# Motion gating: crops and the gate, end to end.
vigil_add_test(tst_region_crop SOURCES tst_region_crop.cpp TIMEOUT 120)
vigil_add_test(tst_motion_gating SOURCES tst_motion_gating.cpp TIMEOUT 180)
if(TARGET vigil)
    # Events through the whole pipeline, and `vigil --list-events`.
    vigil_add_test(tst_events_e2e SOURCES tst_events_e2e.cpp TIMEOUT 240)
    target_compile_definitions(tst_events_e2e PRIVATE VIGIL_BINARY="$<TARGET_FILE:vigil>")
    add_dependencies(tst_events_e2e vigil)
endif()
