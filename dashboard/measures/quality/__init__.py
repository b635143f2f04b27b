"""Data quality over the data as a whole: completeness, silent provinces, late records, likely duplicates and
implausible values. Each check is one module; :mod:`.report` runs them all."""
