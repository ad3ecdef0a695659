# source.mjpeg fan-out tests.
