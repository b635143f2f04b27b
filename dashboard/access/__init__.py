"""Who may see what: the user store, sign-in and the access mode."""
