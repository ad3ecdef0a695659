# Remote nodes: a real headless `vigil` node mirrored into a Pipeline, a CameraManager and the
# Add remote node dialog (offscreen).
vigil_add_test(tst_remote_config SOURCES tst_remote_config.cpp TIMEOUT 60)
if(TARGET vigil AND TARGET vigil_ui)
    vigil_add_test(tst_remote_node SOURCES tst_remote_node.cpp LIBS vigil_ui TIMEOUT 180)
    target_compile_definitions(tst_remote_node PRIVATE VIGIL_BINARY="$<TARGET_FILE:vigil>")
    add_dependencies(tst_remote_node vigil)
endif()
