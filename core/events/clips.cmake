# Event clips: Motion-JPEG in Matroska through libavformat (owned by the clip work).
# The camera's JPEGs are stream-copied, never re-encoded: libavformat for the container, libavcodec
# for codec ids and packets, libavutil for errors and dictionaries (Debian: libavformat-dev,
# libavcodec-dev, libavutil-dev).
pkg_check_modules(LIBAV REQUIRED IMPORTED_TARGET libavformat libavcodec libavutil)
target_sources(vigil_core PRIVATE
    events/clip_av.h
    events/clip_ring.h events/clip_ring.cpp
    events/clip_writer.h events/clip_writer.cpp
    events/clip_recorder.h events/clip_recorder.cpp
    events/clip_reader.h events/clip_reader.cpp
)
target_link_libraries(vigil_core PRIVATE PkgConfig::LIBAV)
# In-app clip player: playback timing and decoding, without widgets.
target_sources(vigil_core PRIVATE events/clip_playback.h events/clip_playback.cpp)
