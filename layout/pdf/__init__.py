"""Stage 5, pdf: drawing display lists, photos, assembling the edition, preflight, read-back."""
