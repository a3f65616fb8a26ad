"""The project's error types: each message is one line naming the place and the problem."""


class ConfigError(ValueError):
    """A configuration value is malformed, out of range or inconsistent.

    The message names the dotted key (and the file when known) and the problem,
    e.g. ``economy.n_firms = -5: must be > 0``.
    """
