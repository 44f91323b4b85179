"""News crawler: The Conversation, Kyodo News, Jiji Press, The Japan Times and their republishers."""
__version__ = "0.1.0"
