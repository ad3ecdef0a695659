# Events panel tests (offscreen).
