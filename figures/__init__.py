"""Service figures for the bureau: what happened to each message (no text), aggregated per day, week,
channel and topic, for the console's analytics page and `labourbot stats`."""
