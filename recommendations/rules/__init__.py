"""The tracker's rules, each a module of plain functions: the vocabularies (`choices`), the
bilateral status (`bilateral`) and who may do what (`permissions`)."""
