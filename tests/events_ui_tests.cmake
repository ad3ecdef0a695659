# Events panel tests (offscreen).
vigil_add_test(tst_events_panel SOURCES tst_events_panel.cpp LIBS vigil_ui TIMEOUT 120)
vigil_add_test(tst_event_timeline SOURCES tst_event_timeline.cpp LIBS vigil_ui TIMEOUT 60)
