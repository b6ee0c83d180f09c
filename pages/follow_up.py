"""Follow-up: record assessments, response, relapse, death or last contact of an own series."""

from plexrt.ui import follow_up_view, shell

shell.require()
follow_up_view.render()
