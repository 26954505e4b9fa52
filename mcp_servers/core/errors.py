"""Errors a tool may raise, and the errors of the runtime around it."""

__all__ = ["ToolError", "UnknownServer", "EpisodeUnavailable", "CapacityError"]


class ToolError(Exception):
    """A failure the model caused and can act on: insufficient funds, file exists, unknown id.

    The message is shown to the model verbatim, so it says what went wrong and, where it helps, what would work.
    Raising it rolls the world back to its state before the call.
    """


class UnknownServer(KeyError):
    """A server name that is not in the registry."""

    def __str__(self) -> str:
        return str(self.args[0])


class EpisodeUnavailable(LookupError):
    """An episode id that is unknown, closed or expired."""

    def __str__(self) -> str:
        return str(self.args[0])


class CapacityError(RuntimeError):
    """Opening one more episode would exceed the configured bound."""
