"""PDF -> sections: clean lines in reading order, headings, the section tree (the PyMuPDF edge)."""
