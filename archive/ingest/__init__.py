"""The ingestion pipeline, pure Python (no Django): a source file becomes a parsed document.

sources (manifest, encodings) → extraction (text out of HTML, PDF, Word) → lines and residue
(page furniture set apart) → frontmatter (title, date, place; notes and signatures at the end)
→ parsing (paragraphs, headings, clauses) → checks (warnings a curator should read) → parsed
(the result) → alignment (the rows of language versions). dates, gazetteer, repairs and outline
are the vocabularies they share; scoring compares a parse with an archivist's facts.
archive/importing.py is the one place the pipeline meets the database.
"""
