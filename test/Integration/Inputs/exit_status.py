"""Runs a command and prints its stderr, its stdout, then `exit status N`, so that a test
can check a failing run's exact output and exit status in one FileCheck."""
import subprocess
import sys

run = subprocess.run(sys.argv[1:], capture_output=True, text=True)
sys.stdout.write(run.stderr + run.stdout)
print(f"exit status {run.returncode}")
