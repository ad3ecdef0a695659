# Clip player tests (offscreen).
