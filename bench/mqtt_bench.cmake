# MQTT benchmark.
