"""How results look: pandas tables from the engine's raw answers, and rich result objects."""
