"""Machinery of the Dovecot oracle (test_dovecot_oracle.py): the corpus split
as `vellum import` splits it, a pipelining IMAP client that survives a
server dropping the connection, the parsing of FETCH, SEARCH, SORT and
THREAD answers, part numbers, and the list of known differences.

Python 3 standard library only.
"""

from __future__ import annotations

import re
import socket
import threading
from pathlib import Path
from typing import Callable, Optional

import vellum_harness as h

# Per socket operation; nothing takes that long when all is well.
TIMEOUT = 120.0


# ---- the corpus, split as `vellum import` splits it ------------------------------


def mbox_messages(data: bytes) -> list[tuple[int, bytes]]:
    """(line number of the "From " line, message) as store/mbox_reader.cpp
    splits: a line starting with "From " begins a message, the blank line
    before the next separator is not part of the message, ">From " lines
    lose one ">"; old-Mac files (CR, no LF) split on CR."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    eol = b"\r" if b"\n" not in data and b"\r" in data else b"\n"
    separators = []
    at = 0
    while at < len(data):
        if data.startswith(b"From ", at):
            separators.append(at)
        newline = data.find(eol, at)
        if newline < 0:
            break
        at = newline + 1
    out = []
    for k, start in enumerate(separators):
        end = separators[k + 1] if k + 1 < len(separators) else len(data)
        body_start = data.find(eol, start)
        body_start = end if body_start < 0 or body_start > end else body_start + 1
        body = data[body_start:end]
        if eol == b"\r":
            if body.endswith(b"\r\r"):
                body = body[:-1]
        elif body.endswith(b"\r\n\r\n"):
            body = body[:-2]
        elif body.endswith(b"\n\n"):
            body = body[:-1]
        body = re.sub(rb"(?m)^>(>*From )" if eol == b"\n" else rb"(?:(?<=\r)|^)>(>*From )",
                      rb"\1", body)
        out.append((data.count(eol, 0, start) + 1, body))
    return out


def looks_like_mbox(data: bytes) -> bool:
    return data.removeprefix(b"\xef\xbb\xbf").startswith(b"From ")


class Message:
    __slots__ = ("name", "origin", "data", "dovecot_uid", "vellum_uid", "flags",
                 "internal_date")

    def __init__(self, name: str, origin: str, data: bytes):
        self.name = name        # "source/eml/file.eml" or "source/file.mbox#index"
        self.origin = origin    # what `vellum import` names it in "rejected"
        self.data = data
        self.dovecot_uid: Optional[int] = None
        self.vellum_uid: Optional[int] = None
        # As vellumd has them after the import, given to Dovecot's APPEND.
        self.flags = b""
        self.internal_date = b""


class Folder:
    def __init__(self, name: str, source: Path):
        self.name = name
        self.source = source    # what is given to `vellum import`
        self.messages: list[Message] = []


def corpus_folders(corpus: Path, only: Optional[set[str]]) -> list[Folder]:
    """One folder per eml directory (its source's name) and per mbox
    ("source/stem"), as test_corpus_fetch.py imports them."""
    folders = []
    for source in sorted(p for p in corpus.iterdir() if p.is_dir()):
        if only and source.name not in only:
            continue
        eml_dir = source / "eml"
        if eml_dir.is_dir():
            folder = Folder(source.name, eml_dir)
            for path in sorted(p for p in eml_dir.iterdir()
                               if p.is_file() and not p.name.startswith(".")):
                data = path.read_bytes()
                relative = path.relative_to(corpus).as_posix()
                if looks_like_mbox(data):
                    for index, (line, message) in enumerate(mbox_messages(data)):
                        folder.messages.append(
                            Message(f"{relative}#{index}", f"{path}:{line}", message))
                else:
                    folder.messages.append(Message(relative, str(path), data))
            folders.append(folder)
        for mbox in sorted(source.glob("*.mbox")):
            folder = Folder(f"{source.name}/{mbox.stem}", mbox)
            relative = mbox.relative_to(corpus).as_posix()
            for index, (line, message) in enumerate(mbox_messages(mbox.read_bytes())):
                folder.messages.append(Message(f"{relative}#{index}", f"{mbox}:{line}", message))
            folders.append(folder)
    return folders


# ---- IMAP responses ------------------------------------------------------------


class Atom(bytes):
    pass


class Literal(bytes):
    pass


class Literal8(bytes):
    """~{n} (RFC 3516), which BINARY uses for data that may hold NUL."""


class Quoted(bytes):
    pass


_ATOM_END = re.compile(rb"[ ()\r\n]")
_ITEM_NAME = re.compile(rb"[^ \[]+(?:\[[^\]]*\])?(?:<\d+>)?")


def parse_value(data: bytes, pos: int):
    """(value, end): NIL -> None, atoms -> Atom, strings -> Quoted/Literal/
    Literal8, lists -> list."""
    c = data[pos]
    if c == 0x28:  # (
        items = []
        pos += 1
        while True:
            while data[pos] == 0x20:
                pos += 1
            if data[pos] == 0x29:
                return items, pos + 1
            value, pos = parse_value(data, pos)
            items.append(value)
    if c == 0x22:  # "
        out = bytearray()
        pos += 1
        while True:
            ch = data[pos]
            if ch == 0x5C:
                out.append(data[pos + 1])
                pos += 2
            elif ch == 0x22:
                return Quoted(out), pos + 1
            else:
                out.append(ch)
                pos += 1
    if c == 0x7B or (c == 0x7E and data[pos + 1] == 0x7B):  # { or ~{
        close = data.index(b"}", pos)
        size = int(data[data.index(b"{", pos) + 1:close].rstrip(b"+"))
        start = close + 3  # "}\r\n"
        kind = Literal if c == 0x7B else Literal8
        return kind(data[start:start + size]), start + size
    match = _ATOM_END.search(data, pos)
    end = match.start() if match else len(data)
    atom = data[pos:end]
    return (None if atom.upper() == b"NIL" else Atom(atom)), end


def parse_fetch(response: bytes) -> tuple[int, dict[str, tuple[bytes, object]]]:
    """'* n FETCH (...)' -> (n, canonical item name -> (raw value, parsed))."""
    match = re.match(rb"\* (\d+) FETCH \(", response)
    if not match:
        raise ValueError(f"not a FETCH response: {response[:200]!r}")
    pos = match.end()
    items = {}
    while True:
        while response[pos] == 0x20:
            pos += 1
        if response[pos] == 0x29:
            break
        name_match = _ITEM_NAME.match(response, pos)
        name = name_match.group().decode("latin-1")
        pos = name_match.end() + 1
        value, end = parse_value(response, pos)
        items[canonical_name(name)] = (response[pos:end], value)
        pos = end
    return int(match.group(1)), items


def canonical_name(name: str) -> str:
    """BODY.PEEK[x] -> BODY[x], upper case, single spaces."""
    name = re.sub(r"\s+", " ", name.upper()).replace("BODY.PEEK[", "BODY[")
    name = name.replace("BINARY.PEEK[", "BINARY[")
    return name.replace("( ", "(").replace(" )", ")")


def status_of(tagged: Optional[bytes]) -> str:
    """'OK', 'NO [CODE]', 'BAD [CODE]' (the text after the code varies
    between servers and is left out), or 'dropped' for no answer."""
    if tagged is None:
        return "dropped"
    match = re.match(rb"\S+ (OK|NO|BAD)(?: \[([^\] ]+))?", tagged)
    if not match:
        return tagged[:60].decode("latin-1")
    result = match.group(1).decode()
    return result if result == "OK" or not match.group(2) else \
        f"{result} [{match.group(2).decode('latin-1')}]"


def numbers_after(response: bytes, keyword: bytes) -> Optional[list[int]]:
    """The numbers of '* SEARCH 1 2 3' or '* SORT ...', or None."""
    prefix = b"* " + keyword
    if response != prefix and not response.startswith(prefix + b" "):
        return None
    return [int(n) for n in response[len(prefix):].split() if n.isdigit()]


class ConnectionDropped(Exception):
    """The server closed the connection; `answered` holds the (untagged,
    tagged) answers of the commands it finished before."""

    def __init__(self, name: str, answered: list):
        super().__init__(f"{name}: connection closed")
        self.answered = answered


class Connection:
    """One IMAP connection: pipelined commands, sent by a thread while the
    responses are read here; every socket operation has a timeout."""

    def __init__(self, port: int, user: str, password: str, name: str):
        self.port, self.user, self.password, self.name = port, user, password, name
        self.tag = 0
        self.sock: Optional[socket.socket] = None
        self._connect()

    def _connect(self) -> None:
        self.sock = socket.create_connection((h.HOST, self.port), timeout=TIMEOUT)
        self.sock.settimeout(TIMEOUT)
        self.buffer = bytearray()
        self.pos = 0
        greeting = self.response()
        if not greeting.startswith(b"* OK"):
            raise h.HarnessError(f"{self.name}: greeting {greeting!r}")
        self.run([f'LOGIN "{self.user}" "{self.password}"'.encode()])

    def reconnect(self, *commands: bytes) -> None:
        """A new connection, logged in, then `commands` (e.g. EXAMINE)."""
        self.sock.close()
        self._connect()
        if commands:
            self.run(list(commands))

    def _fill(self) -> None:
        try:
            chunk = self.sock.recv(1 << 20)
        except socket.timeout:
            raise h.HarnessError(f"{self.name}: no answer for {TIMEOUT:.0f} s after "
                                 f"{bytes(self.buffer[-300:])!r}") from None
        except ConnectionResetError:
            chunk = b""
        if not chunk:
            raise ConnectionDropped(self.name, [])
        self.buffer += chunk

    def response(self) -> bytes:
        """One response with its literals, without the final CRLF."""
        if self.pos > (1 << 20) and self.pos * 2 > len(self.buffer):
            del self.buffer[:self.pos]
            self.pos = 0
        parts = []
        while True:
            end = self.buffer.find(b"\r\n", self.pos)
            while end < 0:
                searched = max(self.pos, len(self.buffer) - 1)
                self._fill()
                end = self.buffer.find(b"\r\n", searched)
            line = bytes(self.buffer[self.pos:end + 2])
            self.pos = end + 2
            match = re.search(rb"\{(\d+)\+?\}\r\n$", line)
            if not match:
                parts.append(line[:-2])
                return b"".join(parts)
            size = int(match.group(1))
            while len(self.buffer) - self.pos < size:
                self._fill()
            parts.append(line)
            parts.append(bytes(self.buffer[self.pos:self.pos + size]))
            self.pos += size

    def exchange(self, commands: list[bytes]) -> list[tuple[list[bytes], bytes]]:
        """Sends the commands pipelined; returns (untagged responses, tagged
        response) for each. Raises ConnectionDropped (with the answers so
        far) if the server closes the connection."""
        tags = []
        out = bytearray()
        for command in commands:
            self.tag += 1
            tags.append(b"o%d" % self.tag)
            out += tags[-1] + b" " + command + b"\r\n"
        errors = []

        def send() -> None:
            try:
                self.sock.sendall(out)
            except OSError as error:
                errors.append(error)

        sender = threading.Thread(target=send, daemon=True)
        sender.start()
        results: list[tuple[list[bytes], bytes]] = []
        current: list[bytes] = []
        try:
            while len(results) < len(tags):
                response = self.response()
                if response.startswith(b"* ") or response.startswith(b"+"):
                    current.append(response)
                    continue
                tag = tags[len(results)]
                if not response.startswith(tag + b" "):
                    raise h.HarnessError(
                        f"{self.name}: expected tag {tag!r}, got {response[:200]!r}")
                results.append((current, response))
                current = []
        except ConnectionDropped:
            # What came before the close may belong to the commands that
            # were running; the caller runs those again.
            raise ConnectionDropped(self.name, results) from None
        finally:
            sender.join(TIMEOUT)
        if errors:
            raise h.HarnessError(f"{self.name}: send failed: {errors[0]}")
        return results

    def exchange_surviving(self, commands: list[bytes], setup: list[bytes]
                           ) -> list[tuple[list[bytes], Optional[bytes]]]:
        """exchange(), but when the server drops the connection (Dovecot
        does on some broken encodings), reconnects, runs `setup` (EXAMINE)
        and sends the first unanswered commands one at a time: the one that
        drops the connection again gets the tagged answer None, and the
        rest go on pipelined. Dovecot runs only a few pipelined commands at
        once, so the one to blame is among the first unanswered."""
        results: list[tuple[list[bytes], Optional[bytes]]] = [([], None)] * len(commands)
        pending = list(range(len(commands)))
        while pending:
            try:
                answered = self.exchange([commands[i] for i in pending])
                for index, answer in zip(pending, answered):
                    results[index] = answer
                break
            except ConnectionDropped as dropped:
                for index, answer in zip(pending, dropped.answered):
                    results[index] = answer
                pending = pending[len(dropped.answered):]
            self.reconnect(*setup)
            for _ in range(min(len(pending), 32)):
                index = pending.pop(0)
                try:
                    results[index] = self.exchange([commands[index]])[0]
                except ConnectionDropped:
                    self.reconnect(*setup)
                    break
        return results

    def run(self, commands: list[bytes]) -> list[list[bytes]]:
        """exchange(), raising unless every command ends OK; the untagged
        responses of each."""
        results = self.exchange(commands)
        for command, (_, tagged) in zip(commands, results):
            if not tagged.split(b" ", 2)[1:2] == [b"OK"]:
                raise h.HarnessError(f"{self.name}: {command[:200]!r}: {tagged[:300]!r}")
        return [untagged for untagged, _ in results]

    def close(self) -> None:
        try:
            self.sock.settimeout(5)
            self.sock.sendall(b"z LOGOUT\r\n")
        except OSError:
            pass
        self.sock.close()


def quote(text: str) -> bytes:
    return b'"' + text.encode().replace(b"\\", b"\\\\").replace(b'"', b'\\"') + b'"'


def run_on_both(dovecot_call: Callable[[], object], vellum_call: Callable[[], object],
                timeout: float) -> tuple[object, object]:
    """Both calls at once, each in a thread (the servers work in parallel);
    their results, or the first exception raised again."""
    results: dict[str, object] = {}

    def run(key: str, call: Callable[[], object]) -> None:
        try:
            results[key] = call()
        except BaseException as error:  # re-raised below
            results[key] = error

    threads = [threading.Thread(target=run, args=("d", dovecot_call)),
               threading.Thread(target=run, args=("v", vellum_call))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
        if thread.is_alive():
            raise h.HarnessError(f"a command did not finish in {timeout:.0f} s")
    for value in results.values():
        if isinstance(value, BaseException):
            raise value
    return results["d"], results["v"]


# ---- part numbers ----------------------------------------------------------------


def _is_multipart(body) -> bool:
    return isinstance(body, list) and bool(body) and isinstance(body[0], list)


def _encapsulated(body):
    """The body of a message/rfc822 part, or None."""
    if (isinstance(body, list) and len(body) > 8 and isinstance(body[0], bytes)
            and isinstance(body[1], bytes) and body[0].lower() == b"message"
            and body[1].lower() == b"rfc822" and isinstance(body[8], list)):
        return body[8]
    return None


def part_numbers(structure) -> list[tuple[str, bool]]:
    """Every part number a BODYSTRUCTURE has (RFC 3501 6.4.5), with whether
    the part is a leaf (neither multipart nor message/rfc822): the parts of
    multiparts, and inside a message/rfc822 part the parts of the message
    it carries (n.1 for a non-multipart one)."""
    out: list[tuple[str, bool]] = []

    def add(body, number: str) -> None:
        inner = _encapsulated(body)
        out.append((number, inner is None and not _is_multipart(body)))
        if _is_multipart(body):
            children(body, number + ".")
        elif inner is not None:
            if _is_multipart(inner):
                children(inner, number + ".")
            else:
                add(inner, number + ".1")

    def children(body, prefix: str) -> None:
        index = 0
        for child in body:
            if not isinstance(child, list):
                break
            index += 1
            add(child, f"{prefix}{index}")

    if _is_multipart(structure):
        children(structure, "")
    elif isinstance(structure, list):
        add(structure, "1")
    return out


# ---- orders and trees -------------------------------------------------------------


def out_of_place(theirs: list, ours: list) -> list:
    """The fewest elements of `theirs` whose moving turns one order into the
    other: those outside a longest common subsequence (a longest increasing
    subsequence of our places taken in their order), and those missing
    from `ours`."""
    our_place = {n: i for i, n in enumerate(ours)}
    places = [our_place[n] for n in theirs if n in our_place]
    tails: list[int] = []  # tails[k]: index into places of the smallest tail of length k+1
    previous = [-1] * len(places)
    for i, place in enumerate(places):
        low, high = 0, len(tails)
        while low < high:
            middle = (low + high) // 2
            if places[tails[middle]] < place:
                low = middle + 1
            else:
                high = middle
        previous[i] = tails[low - 1] if low > 0 else -1
        if low == len(tails):
            tails.append(i)
        else:
            tails[low] = i
    kept = set()
    i = tails[-1] if tails else -1
    while i >= 0:
        kept.add(ours[places[i]])
        i = previous[i]
    return [n for n in theirs if n not in kept]


class ThreadNode:
    __slots__ = ("number", "children")

    def __init__(self, number: Optional[int]):
        self.number = number  # None: a parent that is not there (RFC 5256 dummy)
        self.children: list[ThreadNode] = []


def parse_thread(response: bytes) -> list[ThreadNode]:
    """'* THREAD (1 2 (3)(4))((5)(6))' -> the roots (RFC 5256 thread-list:
    a chain of numbers, each the child of the one before, then two or
    more nested lists that are children of the last; no number at all
    makes a dummy parent). Iterative, for threads thousands deep."""
    text = response[len(b"* THREAD"):]
    roots: list[ThreadNode] = []
    # Per open list: the node its next number hangs from (None at the start
    # of the list) and the list of siblings the first node goes into.
    stack: list[list] = []
    i = 0
    while i < len(text):
        c = text[i:i + 1]
        if c == b"(":
            if stack and stack[-1][0] is None:
                # A list that starts with a nested list: a dummy parent.
                dummy = ThreadNode(None)
                stack[-1][1].append(dummy)
                stack[-1][0] = dummy
            siblings = stack[-1][0].children if stack else roots
            stack.append([None, siblings])
            i += 1
        elif c == b")":
            stack.pop()
            i += 1
        elif c.isdigit():
            j = i
            while j < len(text) and text[j:j + 1].isdigit():
                j += 1
            node = ThreadNode(int(text[i:j]))
            tail = stack[-1][0]
            (tail.children if tail is not None else stack[-1][1]).append(node)
            stack[-1][0] = node
            i = j
        else:
            i += 1
    return roots


def thread_differences(theirs: list[ThreadNode], ours: list[ThreadNode],
                       name_of: Callable[[int, bool], str]) -> set[str]:
    """Messages placed differently in two THREAD answers: under another
    parent (a message, the top, or a missing parent named after its first
    child), or out of order among their siblings. name_of(number, ours)
    names a message across both servers."""

    def layout(roots: list[ThreadNode], mine: bool):
        parents: dict[str, str] = {}
        orders: dict[str, list[str]] = {}

        def label(node: ThreadNode) -> str:
            if node.number is not None:
                return name_of(node.number, mine)
            first = node
            while first.number is None and first.children:
                first = first.children[0]
            return "missing parent of " + (name_of(first.number, mine)
                                           if first.number is not None else "nothing")

        work = [("(top)", roots)]
        while work:
            parent, children = work.pop()
            orders[parent] = [label(child) for child in children]
            for child in children:
                parents[label(child)] = parent
                work.append((label(child), child.children))
        return parents, orders

    their_parents, their_orders = layout(theirs, False)
    our_parents, our_orders = layout(ours, True)
    differing = {name for name in set(their_parents) | set(our_parents)
                 if their_parents.get(name) != our_parents.get(name)}
    for parent, order in their_orders.items():
        same_parent = [n for n in order if n not in differing]
        mine = [n for n in our_orders.get(parent, []) if n not in differing]
        differing.update(out_of_place(same_parent, mine))
    prefix = "missing parent of "
    return {name[len(prefix):] if name.startswith(prefix) else name for name in differing}


# ---- known differences --------------------------------------------------------------


def load_known_differences(path: Path) -> dict[tuple[str, str], str]:
    """message<TAB>item<TAB>reason lines; # comments."""
    known = {}
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 3:
            raise h.HarnessError(f"{path}:{number}: expected message<TAB>item<TAB>reason")
        if (fields[0], fields[1]) in known:
            raise h.HarnessError(f"{path}:{number}: {fields[0]} {fields[1]} listed twice")
        known[(fields[0], fields[1])] = fields[2]
    return known


def shorten(value: Optional[bytes], width: int = 300) -> str:
    if value is None:
        return "(no such item)"
    text = repr(value[:width])
    return text + (f" ... ({len(value)} bytes)" if len(value) > width else "")
