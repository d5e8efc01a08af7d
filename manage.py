#!/usr/bin/env python
"""Django's command-line utility; the installed ``warta`` command is the same."""

from warta.cli import main

if __name__ == "__main__":
    main()
