"""ANNOTATE (per article): sentences, entity mentions, quotes, time expressions, embeddings."""
