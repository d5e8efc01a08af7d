"""Posts and their per-platform variants, the composer, the calendar, and exactly-once publishing."""
