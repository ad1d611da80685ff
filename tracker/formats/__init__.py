"""One date form per language, wherever a date is shown (pages, feeds, admin): the EU's own
"17 April 2024" in English, "2024年4月17日" in Japanese. Read through FORMAT_MODULE_PATH; what a
module leaves out falls back to Django's own formats for that language."""
