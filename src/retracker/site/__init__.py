"""`retracker site`: the log as a static web site, rendered from the same library answers
as the CLI (status, upcoming, timeline filters, chart, exports), so a page and a command
cannot disagree.

:func:`build_site` loads nothing itself: give it a :class:`~retracker.dataset.Dataset`.
Pages are rendered by Jinja2 with autoescaping on (:mod:`retracker.site.render`), from view
models computed in Python (:mod:`retracker.site.views`), and written through
:mod:`retracker.site.output`, which builds in a temporary folder beside the target and then
puts it in place, never deleting a file it did not write.
"""

from __future__ import annotations

from .build import DEFAULT_REPO_URL, BuildReport, build_site, render_site
from .output import SiteOutputError

__all__ = ["DEFAULT_REPO_URL", "BuildReport", "SiteOutputError", "build_site", "render_site"]
