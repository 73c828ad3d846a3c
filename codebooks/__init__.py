"""Codebooks shipped with the app (installed as annotator.codebooks)."""
