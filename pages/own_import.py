"""Import a series: a department's own patients from a CSV or XLSX file in the PlexRT template."""

from plexrt.ui import own_import_view, shell

shell.require()
own_import_view.render()
