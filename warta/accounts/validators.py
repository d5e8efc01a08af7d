"""Password strength beyond Django's validators: letters and digits or symbols mixed."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterClassValidator:
    """Require at least three of: lower-case, upper-case, digit, symbol."""

    def validate(self, password: str, user=None) -> None:
        classes = sum(
            bool(re.search(pattern, password))
            for pattern in (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^a-zA-Z0-9]")
        )
        if classes < 3:
            raise ValidationError(
                _("Kata sandi harus memuat paling sedikit tiga dari: huruf kecil, huruf besar, angka, simbol."),
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _("Gunakan paling sedikit tiga dari: huruf kecil, huruf besar, angka, simbol.")
