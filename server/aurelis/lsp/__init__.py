"""The protocol edge: the only package that imports pygls and lsprotocol."""
