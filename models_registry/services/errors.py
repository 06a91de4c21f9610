from django.core.exceptions import ValidationError


class NotNow(ValidationError):
    """An action that cannot happen now (wrong status, stale form, closed year, a duplicate).

    The message is for the user. Like a ValidationError it may carry a dict of field errors,
    so a form can show each beside its field.
    """

    def __str__(self):
        # A ValidationError prints as a list ("['...']"); pages show the sentences.
        return " ".join(self.messages)


class StaleEdit(NotNow):
    """Someone else saved the record after this form was opened."""
