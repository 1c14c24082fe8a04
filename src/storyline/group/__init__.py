"""GROUP (across articles): near-duplicates, stories, threads, and the dates stories give."""
