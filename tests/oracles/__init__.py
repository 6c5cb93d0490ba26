"""Independent reference implementations used to check the vectorised models."""
