"""Peer challenge and peer support: the peer bank, booking challenges and matching teams."""
