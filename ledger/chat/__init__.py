"""Giving from a chat tool: the command grammar, mentions, linking accounts, the answers."""
