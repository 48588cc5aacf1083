"""Governance pages, one module per kind of page; governance/urls.py imports the modules it routes to."""
