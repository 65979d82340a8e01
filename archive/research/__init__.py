"""The research tools, read from the archive's models: recurring language (clauses of other
texts that say nearly the same), comparisons of two texts clause by clause, and the bulk data
files (JSON Lines, TEI, TMX) a script loads in one step."""
