"""The default login failure delay (1000 ms) applies equally to every kind of
failure, so answer times reveal nothing about which part was wrong.

Margins are generous: each failure must take at least 0.9 s and at most 6 s,
and the three kinds may differ by at most 0.6 s."""

import time
import unittest

from vellum_harness import (
    JD_INSTANCE, JD_LOGIN, JD_PASSWORD, JD_USER, ServerTestCase, quote,
)


class DefaultLoginDelay(ServerTestCase):
    server_options = {"failure_delay_ms": None}  # vellumd's default

    def timed_login(self, login, password):
        conn = self.tls()
        started = time.monotonic()
        _, status = conn.command("a", f"LOGIN {quote(login)} {quote(password)}", timeout=20)
        return time.monotonic() - started, status, conn

    def test_failures_take_the_same_time(self):
        cases = {
            "wrong password": (JD_LOGIN, JD_PASSWORD + "!"),
            "unknown user": (f"{JD_INSTANCE}/no.such.user", JD_PASSWORD),
            "unknown instance": (f"nosuchinstance/{JD_USER}", JD_PASSWORD),
        }
        times = {}
        # Two rounds: the second one also covers whatever a verification
        # cache might change.
        for round_number in range(2):
            for kind, (login, password) in cases.items():
                # Each failure from a clean slate (a success resets the
                # per-address count), so all get the base delay.
                self.reset_throttle()
                elapsed, status, conn = self.timed_login(login, password)
                self.assertStatus(conn, status, "NO", "AUTHENTICATIONFAILED", msg=kind)
                times[f"{kind} #{round_number + 1}"] = elapsed
        report = ", ".join(f"{k}: {v:.3f} s" for k, v in times.items())
        for kind, elapsed in times.items():
            self.assertGreaterEqual(elapsed, 0.9, f"{kind} answered too early ({report})")
            self.assertLess(elapsed, 6.0, f"{kind} answered too late ({report})")
        self.assertLess(max(times.values()) - min(times.values()), 0.6,
                        f"failure kinds distinguishable by time ({report})")

    def test_success_is_not_delayed(self):
        # Control: the delay is for failures only.
        self.reset_throttle()
        elapsed, status, conn = self.timed_login(JD_LOGIN, JD_PASSWORD)
        self.assertStatus(conn, status, "OK")
        self.assertLess(elapsed, 0.9, f"a successful login took {elapsed:.3f} s")


if __name__ == "__main__":
    unittest.main()
