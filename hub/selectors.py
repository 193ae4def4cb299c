"""Reads of the good practice library."""


def case_study_featured_list(*, limit: int = 3) -> list:
    """Case studies to feature on the home page: none until the library has case studies."""
    return []
