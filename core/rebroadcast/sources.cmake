# Rebroadcast sources (WebSocket/HTTP server). Paths relative to core/.
target_sources(vigil_core PRIVATE
    rebroadcast/rebroadcast_server.h rebroadcast/rebroadcast_server.cpp
    rebroadcast/http_frontend.h rebroadcast/http_frontend.cpp
    rebroadcast/http_routes.h rebroadcast/http_routes.cpp
    rebroadcast/camera_feed.h rebroadcast/camera_feed.cpp
    rebroadcast/ws_session.h rebroadcast/ws_session.cpp
    rebroadcast/mjpeg_client.h rebroadcast/mjpeg_client.cpp
    rebroadcast/frame_message.h rebroadcast/frame_message.cpp
    rebroadcast/access_token.h rebroadcast/access_token.cpp
    rebroadcast/client_stats.h rebroadcast/client_stats.cpp
    ${PROJECT_SOURCE_DIR}/resources/viewer/vigil_viewer.qrc
)
