"""Bundled data: sample articles, icons, stylesheets (installed as annotator.resources)."""
