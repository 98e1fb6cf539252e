#!/usr/bin/env python3
"""Black-box tests of the `vellum` admin CLI.

Runs $VELLUM_BIN_DIR/vellum against a temporary data directory and checks
exit statuses (0 ok, 1 refused, 2 usage), stdout, stderr and --json output.
Python 3 standard library only.
"""

import base64
import hashlib
import hmac
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import unittest

BIN_DIR = os.environ.get("VELLUM_BIN_DIR", "")
VELLUM = os.path.join(BIN_DIR, "vellum")

OK, FAILURE, USAGE = 0, 1, 2


def scrypt_matches(password, encoded):
    """Checks `password` against `$scrypt$ln=N,r=R,p=P$<salt>$<hash>`."""
    _, scheme, parameters, salt, digest = encoded.split("$")
    assert scheme == "scrypt", encoded
    cost = dict(item.split("=") for item in parameters.split(","))
    n, r, p = 2 ** int(cost["ln"]), int(cost["r"]), int(cost["p"])
    expected = base64.b64decode(digest)
    actual = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), n=n, r=r, p=p,
                            maxmem=256 * 1024 * 1024, dklen=len(expected))
    return hmac.compare_digest(actual, expected)


class CliTestCase(unittest.TestCase):
    def setUp(self):
        if not os.access(VELLUM, os.X_OK):
            self.fail(f"no vellum binary at {VELLUM!r}: set VELLUM_BIN_DIR")
        self.tmp = tempfile.mkdtemp(prefix="vellum-cli-")
        self.data = os.path.join(self.tmp, "data")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def run_vellum(self, *args, stdin="", data_dir=True, env=None):
        argv = [VELLUM] + (["--data-dir", self.data] if data_dir else []) + list(args)
        environment = {k: v for k, v in os.environ.items() if k != "VELLUM_DATA_DIR"}
        environment.update(env or {})
        return subprocess.run(argv, input=stdin, capture_output=True, text=True,
                              env=environment, timeout=60)

    def expect(self, status, *args, **kwargs):
        result = self.run_vellum(*args, **kwargs)
        self.assertEqual(result.returncode, status,
                         f"vellum {' '.join(args)}\nstdout: {result.stdout}\nstderr: {result.stderr}")
        if status != OK:
            self.assertTrue(result.stderr.startswith("vellum: "), result.stderr)
            self.assertEqual(result.stdout, "")
        return result

    def instances(self):
        return json.loads(self.expect(OK, "instance", "list", "--json").stdout)

    def users(self, instance):
        return json.loads(self.expect(OK, "user", "list", instance, "--json").stdout)

    def add_user(self, login, password="pw", *extra):
        return self.expect(OK, "user", "add", login, "--password-stdin", *extra,
                           stdin=password + "\n")


class HelpTest(CliTestCase):
    LEVELS = [
        [],
        ["instance"], ["instance", "add"], ["instance", "alias"], ["instance", "list"],
        ["instance", "remove"],
        ["user"], ["user", "add"], ["user", "passwd"], ["user", "remove"], ["user", "list"],
        ["user", "grant"], ["user", "revoke"],
    ]

    def test_help_at_every_level(self):
        for level in self.LEVELS:
            for flag in ("--help", "-h"):
                with self.subTest(level=level, flag=flag):
                    result = self.expect(OK, *level, flag, data_dir=False)
                    self.assertTrue(result.stdout.startswith("Usage: vellum"), result.stdout)
                    self.assertIn(" ".join(level), result.stdout.splitlines()[0])
                    self.assertEqual(result.stderr, "")

    def test_help_lists_every_subcommand(self):
        for group, subcommands in (("instance", ["add", "alias", "list", "remove"]),
                                   ("user", ["add", "passwd", "remove", "list", "grant",
                                             "revoke"])):
            text = self.expect(OK, group, "--help", data_dir=False).stdout
            for subcommand in subcommands:
                self.assertIn(f"\n  {subcommand} ", text)

    def test_help_wins_over_other_mistakes(self):
        self.expect(OK, "instance", "remove", "--help", data_dir=False)
        self.expect(OK, "user", "add", "--bogus", "-h", data_dir=False)


class UsageErrorTest(CliTestCase):
    def test_usage_errors_exit_2_with_a_hint(self):
        cases = [
            [],
            ["bogus"],
            ["--bogus", "instance", "list"],
            ["instance"],
            ["instance", "bogus"],
            ["instance", "add"],
            ["instance", "add", "a", "b"],
            ["instance", "add", "a", "--alias"],
            ["instance", "list", "--frob"],
            ["instance", "list", "--json=yes"],
            ["instance", "remove", "a"],
            ["user", "add", "a/b"],
            ["user", "passwd", "a/b"],
            ["user", "remove", "a/b"],
            ["user", "grant", "a/b"],
            ["user", "list"],
        ]
        for args in cases:
            with self.subTest(args=args):
                result = self.expect(USAGE, *args)
                self.assertIn("--help", result.stderr)

    def test_missing_data_dir(self):
        result = self.expect(USAGE, "instance", "list", data_dir=False)
        self.assertIn("VELLUM_DATA_DIR", result.stderr)

    def test_data_dir_from_environment_and_option_forms(self):
        self.expect(OK, "instance", "add", "envcorp", data_dir=False,
                    env={"VELLUM_DATA_DIR": self.data})
        self.expect(OK, "instance", "add", "optcorp", f"--data-dir={self.data}", data_dir=False)
        self.assertEqual([i["id"] for i in self.instances()], ["envcorp", "optcorp"])


class InstanceTest(CliTestCase):
    def test_add_creates_the_data_and_instance_directories(self):
        result = self.expect(OK, "instance", "add", "JDCorp", "--alias", "jd",
                             "--alias=JD-Mail")
        self.assertIn("jdcorp", result.stdout)
        self.assertTrue(os.path.isfile(os.path.join(self.data, "registry.db")))
        self.assertTrue(os.path.isdir(os.path.join(self.data, "instances", "jdcorp")))
        self.assertEqual(self.instances(),
                         [{"id": "jdcorp", "aliases": ["jd", "jd-mail"], "users": 0}])

    def test_alias_and_list(self):
        self.expect(OK, "instance", "add", "jdcorp")
        self.expect(OK, "instance", "add", "acme")
        self.expect(OK, "instance", "alias", "jdcorp", "JD")
        self.add_user("jd/jon")
        listed = self.instances()
        self.assertEqual(listed, [{"id": "acme", "aliases": [], "users": 0},
                                  {"id": "jdcorp", "aliases": ["jd"], "users": 1}])
        text = self.expect(OK, "instance", "list").stdout
        self.assertEqual(len(text.splitlines()), 2)
        self.assertIn("jdcorp", text)

    def test_list_empty(self):
        self.assertEqual(self.instances(), [])
        self.assertEqual(self.expect(OK, "instance", "list").stdout, "")

    def test_duplicates_are_refused(self):
        self.expect(OK, "instance", "add", "jdcorp", "--alias", "jd")
        for args in (["instance", "add", "jdcorp"],
                     ["instance", "add", "JD"],
                     ["instance", "add", "acme", "--alias", "jdcorp"],
                     ["instance", "alias", "jdcorp", "jd"]):
            with self.subTest(args=args):
                result = self.expect(FAILURE, *args)
                self.assertIn("already", result.stderr)
        self.assertEqual(len(self.instances()), 1)

    def test_invalid_names_are_refused(self):
        for name in ("Bad Name", "-x", ".hidden", "a/b", "x" * 64, "caf\u00e9"):
            with self.subTest(name=name):
                result = self.expect(FAILURE, "instance", "add", "--", name)
                self.assertIn("invalid instance name", result.stderr)
        self.expect(FAILURE, "instance", "add", "ok", "--alias", "bad alias")
        self.assertEqual(self.instances(), [])

    def test_alias_of_unknown_instance_or_via_alias(self):
        self.expect(FAILURE, "instance", "alias", "nope", "x")
        self.expect(OK, "instance", "add", "jdcorp", "--alias", "jd")
        result = self.expect(FAILURE, "instance", "alias", "jd", "x")
        self.assertIn("alias of 'jdcorp'", result.stderr)

    def test_remove(self):
        self.expect(OK, "instance", "add", "jdcorp", "--alias", "jd")
        self.add_user("jd/jon")
        result = self.expect(USAGE, "instance", "remove", "jdcorp")
        self.assertIn("--yes", result.stderr)
        self.expect(FAILURE, "instance", "remove", "jd", "--yes")
        self.expect(FAILURE, "instance", "remove", "nope", "--yes")
        self.expect(OK, "instance", "remove", "jdcorp", "--yes")
        self.assertEqual(self.instances(), [])
        self.assertFalse(os.path.exists(os.path.join(self.data, "instances", "jdcorp")))
        self.expect(FAILURE, "user", "list", "jd")
        # The names are free again.
        self.expect(OK, "instance", "add", "jd")


class UserTest(CliTestCase):
    def setUp(self):
        super().setUp()
        self.expect(OK, "instance", "add", "jdcorp", "--alias", "jd")
        self.expect(OK, "instance", "add", "acme")

    def stored_hash(self, name):
        with sqlite3.connect(os.path.join(self.data, "registry.db")) as db:
            return db.execute("SELECT password_hash FROM users WHERE name = ? COLLATE NOCASE",
                              (name,)).fetchone()[0]

    def test_add_and_list(self):
        self.add_user("jd/Jon.Doe", "s3cret", "--admin")
        self.add_user("JDCORP/ann", "pw")
        self.assertEqual(self.users("jdcorp"), [
            {"name": "ann", "admin": False, "can_read": []},
            {"name": "Jon.Doe", "admin": True, "can_read": []},
        ])
        self.assertEqual(self.users("JD"), self.users("jdcorp"))
        self.assertEqual(self.users("acme"), [])
        text = self.expect(OK, "user", "list", "jd").stdout
        self.assertIn("Jon.Doe", text)
        self.assertIn("admin", text)

    def test_the_password_is_hashed_and_line_endings_stripped(self):
        self.add_user("jd/jon", "s3cret\r")  # CR LF on stdin
        stored = self.stored_hash("jon")
        self.assertNotIn("s3cret", stored)
        # Checked with an independent scrypt (Python's, over OpenSSL): the
        # format is what docs/security.md says, and the CR was stripped.
        self.assertTrue(scrypt_matches("s3cret", stored), stored)
        self.assertFalse(scrypt_matches("s3cret\r", stored))

    def test_duplicate_user_is_refused_case_insensitively(self):
        self.add_user("jd/Jon.Doe")
        result = self.expect(FAILURE, "user", "add", "jdcorp/JON.DOE", "--password-stdin",
                             stdin="pw\n")
        self.assertIn("already exists", result.stderr)

    def test_bad_users_and_instances_are_refused(self):
        cases = [
            (["user", "add", "nope/jon"], "no instance"),
            (["user", "add", "jd/jon doe"], "invalid user name"),
            (["user", "add", "jd/" + "u" * 129], "invalid user name"),
            (["user", "add", "jdjon"], "instance/user"),
            (["user", "add", "Bad!/jon"], "invalid instance name"),
        ]
        for args, message in cases:
            with self.subTest(args=args):
                result = self.expect(FAILURE, *args, "--password-stdin", stdin="pw\n")
                self.assertIn(message, result.stderr)
        self.expect(FAILURE, "user", "list", "nope")
        self.assertEqual(self.users("jd"), [])

    def test_empty_or_missing_password_is_refused(self):
        for stdin in ("\n", "\r\n", ""):
            with self.subTest(stdin=stdin):
                result = self.expect(FAILURE, "user", "add", "jd/jon", "--password-stdin",
                                     stdin=stdin)
                self.assertIn("password", result.stderr)
        self.assertEqual(self.users("jd"), [])

    def test_passwd(self):
        self.add_user("jd/jon", "old")
        before = self.stored_hash("jon")
        self.expect(OK, "user", "passwd", "jdcorp/JON", "--password-stdin", stdin="new\n")
        self.assertNotEqual(self.stored_hash("jon"), before)
        self.expect(FAILURE, "user", "passwd", "jd/nobody", "--password-stdin", stdin="x\n")
        self.expect(FAILURE, "user", "passwd", "jd/jon", "--password-stdin", stdin="\n")

    def test_remove(self):
        self.add_user("jd/jon")
        self.expect(USAGE, "user", "remove", "jd/jon")
        self.expect(OK, "user", "remove", "jd/JON", "--yes")
        self.assertEqual(self.users("jd"), [])
        self.expect(FAILURE, "user", "remove", "jd/jon", "--yes")

    def test_grant_and_revoke(self):
        self.add_user("jd/boss")
        self.add_user("jd/jon")
        self.add_user("acme/eve")
        self.expect(OK, "user", "grant", "jd/BOSS", "jdcorp/jon")
        self.expect(OK, "user", "grant", "jd/boss", "jd/jon")  # idempotent
        self.assertEqual(self.users("jd")[0], {"name": "boss", "admin": False,
                                              "can_read": ["jon"]})
        result = self.expect(FAILURE, "user", "grant", "jd/boss", "acme/eve")
        self.assertIn("cannot cross instances", result.stderr)
        self.expect(FAILURE, "user", "grant", "jd/boss", "jd/nobody")
        self.expect(FAILURE, "user", "grant", "jd/boss", "jd/boss")
        self.expect(FAILURE, "user", "grant", "nope/boss", "jd/jon")
        self.expect(OK, "user", "revoke", "jd/boss", "jd/jon")
        self.assertEqual(self.users("jd")[0]["can_read"], [])
        self.expect(FAILURE, "user", "revoke", "jd/boss", "jd/jon")
        self.expect(FAILURE, "user", "revoke", "jd/boss", "acme/eve")

    def test_json_escapes_names(self):
        name = 'a"b\\c\u00e9'
        self.add_user("jd/" + name)
        self.assertEqual(self.users("jd")[0]["name"], name)


if __name__ == "__main__":
    unittest.main(verbosity=1 if sys.stdout.isatty() else 2)
