"""The ingestion pipeline, pure Python (no Django): a source file becomes a parsed document.

sources (manifest, encodings; extraction for PDF, HTML and Word) → lines → setaside (residue
and furniture out, residue.py says what is residue) → frontmatter (title block) and backmatter
(notes, closing, signatures), with datelines for the lines that date a text → paragraphs
(wraps, page breaks, headings) → parsing (numbering, sections, clauses) → checks (warnings a
curator should read) → parsed (the result) → alignment (the rows of language versions).
dates, gazetteer, repairs and outline are vocabularies they share; errors holds SourceError;
scoring compares a parse with an archivist's facts. archive/importing.py is the one place
the pipeline meets the database.
"""
