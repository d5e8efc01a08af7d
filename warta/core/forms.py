"""Form helpers every app's views share."""

from django.core.exceptions import ValidationError


def form_errors_add(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on ``form``: field errors on their field when the form
    has it, everything else on the form as a whole."""
    if hasattr(exc, "error_dict"):
        for field, errs in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, exc.messages)
