# Event store tests (SQLite through Qt SQL; needs the QSQLITE driver, Debian libqt6sql6-sqlite).
vigil_add_test(tst_event_store SOURCES tst_event_store.cpp TIMEOUT 120)
