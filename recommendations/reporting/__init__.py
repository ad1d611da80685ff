"""The Council status report: where every recommendation stood on a chosen date, and what moved
since the last Council.

Every format (the HTML page, the PDF, the XLSX and CSV files, the "export what you see" files)
is written from the rows of `query.report_rows()`, which come from the one queryset built by
`query.report_queryset()`. The statuses are read from the recorded history, not today's values, and
the whole report costs a fixed number of queries: the as-of state, the latest update and the
update that explains a change are all correlated subqueries of that one queryset.

One module per part: the options a report is asked for (options.py), its query and rows
(query.py), the report they add up to (report.py), and one module per format (csv_export.py,
xlsx_export.py, docx_export.py, html_export.py, and pdf_export.py, which prints through
pdf_print.py and joins a long PDF's tagged parts with pdf_join.py), with what the files share in
files.py, the registry of formats (code, label, content type, extension, writer) in formats.py
and each file's rendering kept per data version in renderings.py.
"""
