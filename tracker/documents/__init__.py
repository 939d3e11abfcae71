"""Documents found in watched sources: the inbox, the paragraph matching, monitors' decisions."""
