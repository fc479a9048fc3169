"""The Orkut service: its types (no HTTP), the reading of its answers, and its HTTP client."""
