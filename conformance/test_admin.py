"""The `vellum` admin CLI against a running vellumd: registry changes take
effect for new logins without a restart (a changed password or a removed
user must stop working; nothing stale may be accepted from a cache), and
vellumd's own command line errors."""

import json
import subprocess
import unittest

from vellum_harness import (
    JD_LOGIN, JD_PASSWORD, Server, ServerTestCase, TestData, binary, quote,
)


class AdminChangesWhileRunning(ServerTestCase):
    """Uses a private data directory: these tests change the registry."""

    @classmethod
    def setUpClass(cls):
        cls.data = TestData()
        cls.addClassCleanup(cls.data.remove)
        cls.server = Server(cls.data, failure_delay_ms=200).start()
        cls.addClassCleanup(cls.server.stop)

    def setUp(self):
        self.reset_throttle()

    def login(self, login, password):
        conn = self.tls("login")
        _, status = conn.command("a", f"LOGIN {quote(login)} {quote(password)}")
        conn.close()
        return status

    def assertLogin(self, login, password, expected):
        status = self.login(login, password)
        self.assertEqual(status.status, expected,
                         f"LOGIN {login} -> {status.line}\n{self.server.log_text(last=20)}")
        if expected == "NO":
            self.assertEqual(status.code_atom, "AUTHENTICATIONFAILED", status.line)
        # Keep the per-address failure count low.
        self.reset_throttle()

    def test_instance_list_json(self):
        listed = json.loads(self.data.vellum("instance", "list", "--json"))
        by_id = {entry["id"]: entry for entry in listed}
        # Other tests of this class may add instances and aliases.
        self.assertLessEqual({"jdcorp", "acme"}, set(by_id), listed)
        self.assertIn("jd", by_id["jdcorp"]["aliases"], listed)
        self.assertNotIn("jd", by_id["acme"]["aliases"], listed)

    def test_user_added_while_running(self):
        self.assertLogin("acme/new.hire", "first-Day-1", "NO")
        self.data.vellum("user", "add", "acme/new.hire", "--password-stdin", stdin="first-Day-1\n")
        self.assertLogin("acme/new.hire", "first-Day-1", "OK")
        self.assertLogin("ACME/New.Hire", "first-Day-1", "OK")

    def test_password_change_takes_effect(self):
        self.data.vellum("user", "add", "jdcorp/changer", "--password-stdin", stdin="old-Pass-1\n")
        # Log in once so that any verification cache holds the old password.
        self.assertLogin("jdcorp/changer", "old-Pass-1", "OK")
        self.data.vellum("user", "passwd", "jdcorp/changer", "--password-stdin", stdin="new-Pass-2\n")
        self.assertLogin("jdcorp/changer", "old-Pass-1", "NO")
        self.assertLogin("jdcorp/changer", "new-Pass-2", "OK")

    def test_removed_user_cannot_log_in(self):
        self.data.vellum("user", "add", "jdcorp/leaver", "--password-stdin", stdin="bye-Bye-3\n")
        self.assertLogin("jdcorp/leaver", "bye-Bye-3", "OK")
        self.data.vellum("user", "remove", "jdcorp/leaver", "--yes")
        self.assertLogin("jdcorp/leaver", "bye-Bye-3", "NO")

    def test_alias_added_while_running(self):
        self.assertLogin(f"johndoecorp/{JD_LOGIN.split('/')[1]}", JD_PASSWORD, "NO")
        self.data.vellum("instance", "alias", "jdcorp", "johndoecorp")
        self.assertLogin(f"johndoecorp/{JD_LOGIN.split('/')[1]}", JD_PASSWORD, "OK")

    def test_removed_instance_cannot_log_in(self):
        self.data.vellum("instance", "add", "shortlived", "--alias", "sl")
        self.data.vellum("user", "add", "shortlived/temp", "--password-stdin", stdin="temp-Pass-4\n")
        self.assertLogin("sl/temp", "temp-Pass-4", "OK")
        self.data.vellum("instance", "remove", "shortlived", "--yes")
        self.assertLogin("sl/temp", "temp-Pass-4", "NO")
        self.assertLogin("shortlived/temp", "temp-Pass-4", "NO")


class VellumdCommandLine(unittest.TestCase):

    def run_vellumd(self, *args):
        return subprocess.run([str(binary("vellumd")), *args], capture_output=True, text=True,
                              timeout=30, stdin=subprocess.DEVNULL)

    def test_help_and_version(self):
        result = self.run_vellumd("--help")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("--login-failure-delay", result.stdout)
        result = self.run_vellumd("--version")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("vellumd", result.stdout)

    def test_bad_options_exit_2(self):
        for args in (["--bogus"], ["--data-dir", "/nonexistent", "--tls-listen", "127.0.0.1:0"],
                     ["--data-dir", "/tmp"], ["--listen", "127.0.0.1:99999", "--data-dir", "/tmp"],
                     ["--login-failure-delay", "-5", "--listen", "127.0.0.1:0",
                      "--data-dir", "/tmp"]):
            with self.subTest(args=args):
                result = self.run_vellumd(*args)
                self.assertEqual(result.returncode, 2, result.stderr)
                self.assertTrue(result.stderr.strip(), "an error message is expected")

    def test_port_in_use_fails_cleanly(self):
        import socket
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            port = taken.getsockname()[1]
            data = TestData()
            self.addCleanup(data.remove)
            result = self.run_vellumd("--data-dir", str(data.data_dir),
                                      "--listen", f"127.0.0.1:{port}")
        self.assertNotEqual(result.returncode, 0, result.stderr)
        self.assertIn("cannot listen", result.stderr)


if __name__ == "__main__":
    unittest.main()
