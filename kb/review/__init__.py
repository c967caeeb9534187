"""Review workflow: the transition table, the services that apply it, and the review screens."""
