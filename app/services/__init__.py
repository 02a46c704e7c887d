"""Use cases of the platform itself (accounts, apps); each owns one transaction."""
