class ReportError(ValueError):
    """The file is not a readable report of the format it was sent as: the message says why, for
    the user (the API answers 422 naming `file`); nothing is stored."""
