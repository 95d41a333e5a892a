"""Not the pipeline: font preparation, copyfitting filler bodies, scaffolding a new edition."""
