"""Accounts: people and how they prove who they are.

- ``models.py``: the user (email login).
- ``services.py``: password and two-factor (TOTP) changes, each audited.
- ``views.py``: login with the TOTP step, lockout page, password reset and change, 2FA setup.
"""
