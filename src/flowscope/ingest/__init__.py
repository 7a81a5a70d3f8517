"""One module per source kind; each parses, transforms to records, and loads into the estate."""
