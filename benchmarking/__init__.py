"""Sector data and benchmarking: councils lodge their data once and compare with similar councils."""
