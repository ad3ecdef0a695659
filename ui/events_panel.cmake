# Events panel: list over the store, filters, details, timeline strip.
target_sources(vigil_ui PRIVATE
    event_list_model.h event_list_model.cpp
    thumbnail_loader.h thumbnail_loader.cpp
    event_filter_bar.h event_filter_bar.cpp
    event_details.h event_details.cpp
    event_export.h event_export.cpp
    events_panel.h events_panel.cpp
    event_timeline.h event_timeline.cpp
)
