"""The document service's use cases: `owners` (who may see a record is asked of the service that keeps it),
`documents` (register an upload or a new version, list a record's documents, read one, open it for download,
delete it, and the categories each record has on file). Each is a function `verb_noun(uow, data, *, …)` over the
worker's unit of work; it returns model objects, and `services/document/views.py` formats them."""
