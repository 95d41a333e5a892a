"""The archive package: ALTO per page and METS/MODS per edition, from the build's page records."""
