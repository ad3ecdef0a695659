# Rebroadcast sources (WebSocket/HTTP server). Paths relative to core/.
target_sources(vigil_core PRIVATE
)
