# rebroadcast tests: vigil_add_test(...) calls
vigil_add_test(tst_rebroadcast_ws SOURCES tst_rebroadcast_ws.cpp TIMEOUT 120)
vigil_add_test(tst_rebroadcast_http SOURCES tst_rebroadcast_http.cpp TIMEOUT 120)
vigil_add_test(tst_viewer_page SOURCES tst_viewer_page.cpp TIMEOUT 120)
vigil_add_test(tst_rebroadcast_probes SOURCES tst_rebroadcast_probes.cpp TIMEOUT 180)
vigil_add_test(tst_esp32_camera_server SOURCES tst_esp32_camera_server.cpp TIMEOUT 120)
vigil_add_test(tst_demo_scene SOURCES tst_demo_scene.cpp TIMEOUT 120)
vigil_add_test(tst_rebroadcast_events SOURCES tst_rebroadcast_events.cpp TIMEOUT 120)
