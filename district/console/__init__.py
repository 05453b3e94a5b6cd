"""The district console: the web pages for the people who run the points bank (district
staff, community social workers, partners), served by the district server beside its API.

Server-rendered (FastAPI, Jinja2, HTMX), Chinese first; every page checks its role and the
signed-in person's scope (district.console.scope). See docs/console.md.
"""
