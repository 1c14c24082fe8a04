"""RESOLVE (across articles): mentions into entities, quotes into quote groups."""
