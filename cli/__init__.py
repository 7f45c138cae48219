"""The `labourbot` command: the top floor. It imports the libraries and the processes; nothing imports it."""
