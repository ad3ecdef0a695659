# MQTT (libmosquitto): client thread, topics, commands, Home Assistant discovery.
