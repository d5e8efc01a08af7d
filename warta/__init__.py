"""Warta: the social-media service of Indonesian government public-relations units.

Apps, with dependencies pointing one way (an import-linter contract keeps them so):
``core`` <- ``accounts`` <- ``organisations`` <- ``shell``.
"""
