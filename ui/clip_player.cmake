# In-app clip player.
target_sources(vigil_ui PRIVATE
    seek_bar.h seek_bar.cpp
    clip_player.h clip_player.cpp
    clip_player_window.h clip_player_window.cpp
)
