"""REPORT: what a reader sees of a story (timeline, cast, quotes, outlets, summary), and its
renderings."""
