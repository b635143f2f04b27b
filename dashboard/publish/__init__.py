"""What leaves the building: the public export, what the public page shows."""
