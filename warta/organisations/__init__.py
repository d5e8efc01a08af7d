"""Organisations: who may act where.

- ``models.py``: the unit tree (materialised path), memberships, invitations, API tokens.
- ``roles.py``: the roles and the one permission table that features extend.
- ``tree.py``: path arithmetic for subtree queries (no walking the tree in Python).
- ``scope.py``: the acting scope (user + unit + role) that every selector takes.
- ``selectors.py`` / ``services.py``: reads within a scope; writes, each audited.
- ``imports.py`` / ``import_views.py`` / ``tasks.py``: the official region list (CSV) into units,
  previewed, then applied all or nothing in a background task.
"""
