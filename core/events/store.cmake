# Event store: events in SQLite through Qt SQL (Debian: libqt6sql6-sqlite for the QSQLITE driver,
# qt6-base-dev for the headers), their snapshots and clips as files beside it.
find_package(Qt6 REQUIRED COMPONENTS Sql)
target_sources(vigil_core PRIVATE
    events/event.h events/event.cpp
    events/event_files.h events/event_files.cpp
    events/event_migrations.h events/event_migrations.cpp
    events/event_store.h events/event_store.cpp
)
target_link_libraries(vigil_core PUBLIC Qt6::Sql)
