# MQTT benchmark: 16 synthetic cameras through MqttClient to a real mosquitto (bench_mqtt --help-less;
# options --cameras N --seconds S).
vigil_add_bench(bench_mqtt bench_mqtt.cpp)
