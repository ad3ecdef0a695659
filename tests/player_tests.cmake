# Clip player tests (offscreen).
vigil_add_test(tst_clip_player SOURCES tst_clip_player.cpp LIBS vigil_ui TIMEOUT 120)
