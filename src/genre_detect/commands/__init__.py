"""CLI sub-commands, one module each; each module exposes ``command`` (a click command)."""
