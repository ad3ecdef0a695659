# source.mjpeg fan-out benchmark.
