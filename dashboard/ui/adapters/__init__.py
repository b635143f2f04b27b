"""The only modules that reach into libraries' private parts, one per library, each checking its version."""
