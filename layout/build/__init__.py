"""Stage 6, build: the pipeline, staged writes and the lock, the page cache, watch, reports."""
