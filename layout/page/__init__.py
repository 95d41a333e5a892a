"""Stage 4, page: the grid, flowing lines through columns, composition into display lists."""
