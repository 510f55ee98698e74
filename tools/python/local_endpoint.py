"""`npm start` in a child process for the Python tests: waits for the ready line with a timeout, keeps draining
the server's output (so that it never blocks on a full pipe), and stops it with SIGTERM."""
import os
import re
import signal
import subprocess
import threading

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
READY = re.compile(r"endpoint (http://127\.0\.0\.1:\d+) \| DynamoDB engine (http://127\.0\.0\.1:\d+)")


class LocalEndpoint:
    def __init__(self, ready_timeout=60, extra_env=None):
        env = {**os.environ, "PORT": "0", "DYNAMODB_PORT": "0", **(extra_env or {})}
        env.pop("DYNAMODB_ENDPOINT", None)
        self.output = []
        self._ready = threading.Event()
        self.api = self.dynamodb = None
        self.process = subprocess.Popen(["npm", "start", "--silent"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True)
        self._drain = threading.Thread(target=self._read, daemon=True)
        self._drain.start()
        if not self._ready.wait(ready_timeout) or self.api is None:
            self.stop()
            raise RuntimeError(f"npm start was not ready within {ready_timeout} s:\n" + "".join(self.output[-20:]))

    def _read(self):
        for line in self.process.stdout:
            self.output.append(line)
            if self.api is None:
                match = READY.search(line)
                if match:
                    self.api, self.dynamodb = match.groups()
                    self._ready.set()
        self._ready.set()  # the process ended: wake the waiter either way

    def stop(self, timeout=10):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=timeout)
        self._drain.join(timeout=timeout)
        self.process.stdout.close()
        return self.process.returncode
