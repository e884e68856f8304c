"""python -m retracker"""

from retracker.cli import main

if __name__ == "__main__":
    main()
