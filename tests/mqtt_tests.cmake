# MQTT tests against a real mosquitto on 127.0.0.1.
