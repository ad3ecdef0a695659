# Remote nodes: the dialog that adds another Vigil's cameras and events.
target_sources(vigil_ui PRIVATE
    remote_node_dialog.h remote_node_dialog.cpp
)
