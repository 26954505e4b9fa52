"""A virtual POSIX-like file system: one user's home directory among shared system areas, held entirely in the
world state. The agent navigates with a working directory, reads, searches, edits, copies and moves files, and
meets the real obstacles of a Unix machine: permission bits, owners and groups, sticky directories, a disk that
can fill up, and paths written every way a shell accepts them."""
