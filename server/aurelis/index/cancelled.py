"""``Cancelled``: raised by a build whose cancel event was set. Its own module so that callers
can catch it without importing the index (and numpy) at start-up."""


class Cancelled(Exception):
    pass
