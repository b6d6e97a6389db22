"""Stage 3, PDF post-processing: tagging mended into PDF/UA-1, the accessibility check, and
the PDF/A finishing the archive needs; shared pikepdf helpers in :mod:`.pdf`."""
