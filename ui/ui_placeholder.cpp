// Replaced by the UI sources.
