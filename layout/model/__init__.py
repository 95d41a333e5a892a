"""Stage 1, manifest -> model: YAML with positions, the validated edition, styles and units."""
