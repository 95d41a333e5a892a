"""Stage 2, fonts: the TrueType reader and subsetter, the face catalogue, PDF embedding."""
