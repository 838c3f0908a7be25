"""Errors nb_label raises about its store; each message says what to do."""


class StoreError(RuntimeError):
    """The event store cannot do what was asked."""


class StoreReadOnlyError(StoreError):
    """The store can be read but not written."""


class StoreLockedError(StoreError):
    """Another process holds the store's write lock for too long."""


class StoreCorruptError(StoreError):
    """The file is not a database nb_label can read."""


class StoreConnectionError(StoreError):
    """The database server cannot be reached, or refuses the connection."""
