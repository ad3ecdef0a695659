# Events panel: list over the store, filters, details, timeline strip.
