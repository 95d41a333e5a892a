"""Proof rounds and what changed between them: the proofreaders' outputs (after the build)."""
