"""s3sim: agent-based simulation of regional cluster transformation and innovation policy mixes."""

__version__ = "0.1.0"
