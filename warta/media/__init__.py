"""Each unit's media library: originals checked by content, and their platform renditions."""
