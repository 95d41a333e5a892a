"""Stage 3, text: clreq character classes, line breaking, paragraph and headline setting."""
