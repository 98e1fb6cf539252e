"""LOGIN: tenant-qualified names, ids and aliases, case-insensitivity,
indistinguishable failures, tenant separation, failure limits
(RFC 3501 6.2.3, RFC 5530 3 AUTHENTICATIONFAILED / PRIVACYREQUIRED)."""

import time
import unittest

from vellum_harness import (
    ACME_LOGIN, ACME_PASSWORD, JD_ALIAS, JD_INSTANCE, JD_LOGIN, JD_OTHER_LOGIN,
    JD_OTHER_PASSWORD, JD_PASSWORD, JD_USER, ServerTestCase, quote,
)


class Login(ServerTestCase):

    def setUp(self):
        self.reset_throttle()

    def login_status(self, login, password, conn=None, tag="a"):
        conn = conn or self.tls("tls-login")
        _, status = conn.command(tag, f"LOGIN {quote(login)} {quote(password)}")
        return conn, status

    def assertLoginOk(self, login, password):
        conn, status = self.login_status(login, password)
        self.assertStatus(conn, status, "OK", msg=f"LOGIN {login}")
        # Now authenticated: SELECT is valid.
        self.expect(conn, "b", "SELECT INBOX", "OK", "READ-WRITE")

    def assertLoginFails(self, login, password):
        conn, status = self.login_status(login, password)
        self.assertStatus(conn, status, "NO", "AUTHENTICATIONFAILED", msg=f"LOGIN {login}")
        # Still not authenticated.
        self.expect(conn, "b", "SELECT INBOX", "BAD", "CLIENTBUG",
                    msg="SELECT after a failed LOGIN")
        return status

    # -- successful logins --

    def test_login_by_instance_id(self):
        self.assertLoginOk(JD_LOGIN, JD_PASSWORD)

    def test_login_by_alias(self):
        self.assertLoginOk(f"{JD_ALIAS}/{JD_USER}", JD_PASSWORD)

    def test_login_names_are_case_insensitive(self):
        for login in ("JD/Jon.Doe", "JDCORP/JON.DOE", "jdCorp/jon.DOE"):
            with self.subTest(login=login):
                self.assertLoginOk(login, JD_PASSWORD)

    def test_login_as_atoms(self):
        # The user name as an atom, not a quoted string (RFC 3501 9 astring).
        conn = self.tls()
        _, status = conn.command("a", f"LOGIN {JD_LOGIN} {quote(JD_PASSWORD)}")
        self.assertStatus(conn, status, "OK")

    def test_second_instance_user(self):
        self.assertLoginOk(ACME_LOGIN, ACME_PASSWORD)

    def test_second_user_of_instance(self):
        self.assertLoginOk(JD_OTHER_LOGIN, JD_OTHER_PASSWORD)

    # -- failures --

    def test_failures_are_indistinguishable(self):
        # Wrong password, unknown user and unknown instance get the same
        # answer, so a client cannot probe for names.
        cases = {
            "wrong password": (JD_LOGIN, JD_PASSWORD + "x"),
            "unknown user": (f"{JD_INSTANCE}/nobody", JD_PASSWORD),
            "unknown instance": (f"nowhere/{JD_USER}", JD_PASSWORD),
        }
        answers = {}
        for kind, (login, password) in cases.items():
            self.reset_throttle()
            status = self.assertLoginFails(login, password)
            answers[kind] = (status.status, status.code, status.text)
        self.assertEqual(len(set(answers.values())), 1,
                         f"the three failures must be answered identically: {answers}")

    def test_password_is_case_sensitive(self):
        self.assertLoginFails(JD_LOGIN, JD_PASSWORD.upper())

    def test_empty_password(self):
        self.assertLoginFails(JD_LOGIN, "")

    def test_name_without_instance(self):
        self.assertLoginFails(JD_USER, JD_PASSWORD)

    def test_other_instance_password_does_not_work(self):
        # Same user name in two tenants: each password works only for its own.
        self.assertLoginFails(JD_LOGIN, ACME_PASSWORD)
        self.reset_throttle()
        self.assertLoginFails(ACME_LOGIN, JD_PASSWORD)
        self.reset_throttle()
        self.assertLoginFails(f"{JD_ALIAS}/{JD_USER}", ACME_PASSWORD)

    def test_other_user_password_does_not_work(self):
        self.assertLoginFails(JD_LOGIN, JD_OTHER_PASSWORD)
        self.reset_throttle()
        self.assertLoginFails(JD_OTHER_LOGIN, JD_PASSWORD)

    def test_failure_is_delayed(self):
        conn = self.tls()
        started = time.monotonic()
        _, status = conn.command("a", f"LOGIN {quote(JD_LOGIN)} {quote('wrong')}")
        elapsed = time.monotonic() - started
        self.assertStatus(conn, status, "NO", "AUTHENTICATIONFAILED")
        # --login-failure-delay 200: generous lower bound.
        self.assertGreaterEqual(elapsed, 0.15, f"answered after {elapsed:.3f} s")

    def test_login_after_failure_on_same_connection(self):
        conn, status = self.login_status(JD_LOGIN, "wrong")
        self.assertStatus(conn, status, "NO", "AUTHENTICATIONFAILED")
        _, status = conn.command("b", f"LOGIN {quote(JD_LOGIN)} {quote(JD_PASSWORD)}")
        self.assertStatus(conn, status, "OK")

    def test_five_failures_close_the_connection(self):
        conn = self.tls()
        times = []
        for attempt in range(1, 6):
            started = time.monotonic()
            _, status = conn.command(f"a{attempt}", f"LOGIN {quote(JD_LOGIN)} {quote('bad')}",
                                     timeout=30)
            times.append(time.monotonic() - started)
            self.assertStatus(conn, status, "NO", "AUTHENTICATIONFAILED",
                              msg=f"failure {attempt}")
        self.assertClosedWithBye(conn)
        # Repeated failures from one address are answered more slowly
        # (base 200 ms; the 5th is well beyond the first).
        self.assertGreaterEqual(times[4], 0.6, f"answer times {times}")
        self.assertGreater(times[4], times[0] + 0.3, f"answer times {times}")

    def test_login_in_the_clear_is_refused(self):
        # RFC 3501 6.2.3 + RFC 5530: without TLS, LOGIN gets NO [PRIVACYREQUIRED].
        conn = self.plain()
        _, status = conn.command("a", f"LOGIN {quote(JD_LOGIN)} {quote(JD_PASSWORD)}")
        self.assertStatus(conn, status, "NO", "PRIVACYREQUIRED")
        self.expect(conn, "b", "SELECT INBOX", "BAD", "CLIENTBUG",
                    msg="must still be unauthenticated")

    def test_login_after_login_is_bad(self):
        conn = self.logged_in()
        _, status = conn.command("b", f"LOGIN {quote(JD_LOGIN)} {quote(JD_PASSWORD)}")
        self.assertStatus(conn, status, "BAD", "CLIENTBUG")

    def test_login_with_missing_password_is_bad(self):
        conn = self.tls()
        _, status = conn.command("a", f"LOGIN {quote(JD_LOGIN)}")
        self.assertStatus(conn, status, "BAD", ...)


if __name__ == "__main__":
    unittest.main()
