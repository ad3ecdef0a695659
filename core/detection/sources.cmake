# Detection sources (owned by the detection work). Paths relative to core/.
target_sources(vigil_core PRIVATE
    detection/detector.h
    detection/class_names.h detection/class_names.cpp
    detection/yolo_family.h detection/yolo_family.cpp
    detection/preprocess.h detection/preprocess.cpp
    detection/yolo_decode.h detection/yolo_decode.cpp
    detection/model_input_size.h detection/model_input_size.cpp
    detection/model_manifest.h detection/model_manifest.cpp
    detection/darknet_weights.h detection/darknet_weights.cpp
    detection/yolo_detector.h detection/yolo_detector.cpp
    detection/detector_factory.cpp
    detection/model_paths.cpp
    # models/manifest.json embedded as :/vigil/models/manifest.json
    detection/detection_models.qrc
)
