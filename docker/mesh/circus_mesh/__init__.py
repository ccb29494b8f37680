"""meshd and meshctl: a small gossip daemon replicating CRDTs, and its client (see ../README.md)."""
