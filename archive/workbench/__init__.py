"""The curator's workbench: add a text in the browser, review the importer's reading beside
its source lines, correct it by pointing at a line, and publish it through the import that
`import_documents` runs."""
