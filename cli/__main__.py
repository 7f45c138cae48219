"""`python -m cli` runs the `labourbot` command."""

from cli.main import main

if __name__ == "__main__":
    main()
