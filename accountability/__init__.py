"""Local accountability tools: a budget simulator for residents and a shared self-assessment."""
