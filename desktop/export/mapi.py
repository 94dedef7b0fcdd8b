"""A new-message window of the clerk's mail program, with the files attached (Windows, Simple MAPI).

``os.startfile`` on an ``.eml`` shows it as a *received* message where Outlook or
Foxmail are absent (Windows' Mail app), not as a draft to send.  Simple MAPI's
``MAPISendMailW`` (MAPI32.DLL, which forwards to the default mail program: Outlook,
Foxmail, Thunderbird…) opens a compose window with recipients, subject, text and
attachments instead.  Where there is no MAPI mail program the files are shown
selected in Explorer, ready to drag into a web mail page.

Everything here runs only on Windows; the tests substitute ``ctypes.WinDLL``.
"""
from __future__ import annotations

import ctypes
import subprocess
from pathlib import Path
from typing import Sequence

MAPI_LOGON_UI = 0x00000001
MAPI_DIALOG = 0x00000008
MAPI_TO = 1
SUCCESS_SUCCESS = 0
MAPI_USER_ABORT = 1  # the clerk closed the compose window: nothing more to do

ULONG = ctypes.c_uint32
ULONG_PTR = ctypes.c_size_t


class MapiRecipDescW(ctypes.Structure):
    _fields_ = [("ulReserved", ULONG), ("ulRecipClass", ULONG), ("lpszName", ctypes.c_wchar_p),
                ("lpszAddress", ctypes.c_wchar_p), ("ulEIDSize", ULONG), ("lpEntryID", ctypes.c_void_p)]


class MapiFileDescW(ctypes.Structure):
    _fields_ = [("ulReserved", ULONG), ("flFlags", ULONG), ("nPosition", ULONG), ("lpszPathName", ctypes.c_wchar_p),
                ("lpszFileName", ctypes.c_wchar_p), ("lpFileType", ctypes.c_void_p)]


class MapiMessageW(ctypes.Structure):
    _fields_ = [("ulReserved", ULONG), ("lpszSubject", ctypes.c_wchar_p), ("lpszNoteText", ctypes.c_wchar_p),
                ("lpszMessageType", ctypes.c_wchar_p), ("lpszDateReceived", ctypes.c_wchar_p),
                ("lpszConversationID", ctypes.c_wchar_p), ("flFlags", ULONG),
                ("lpOriginator", ctypes.POINTER(MapiRecipDescW)), ("nRecipCount", ULONG),
                ("lpRecips", ctypes.POINTER(MapiRecipDescW)), ("nFileCount", ULONG),
                ("lpFiles", ctypes.POINTER(MapiFileDescW))]


def build_message(files: Sequence[Path], to: Sequence[str], subject: str, body: str) -> tuple[MapiMessageW, list]:
    """The message structure, and the arrays it points into (keep them alive during the call)."""
    recips = (MapiRecipDescW * max(len(to), 1))()
    for r, address in zip(recips, to):
        r.ulRecipClass = MAPI_TO
        r.lpszName = address
        r.lpszAddress = f"SMTP:{address}"
    descs = (MapiFileDescW * max(len(files), 1))()
    for d, f in zip(descs, files):
        d.nPosition = 0xFFFFFFFF  # attachments after the text, not at a position inside it
        d.lpszPathName = str(f)
        d.lpszFileName = f.name
    msg = MapiMessageW()
    msg.lpszSubject = subject
    msg.lpszNoteText = body
    msg.nRecipCount = len(to)
    msg.lpRecips = recips if to else None
    msg.nFileCount = len(files)
    msg.lpFiles = descs if files else None
    return msg, [recips, descs]


def send_mail_dialog(files: Sequence[Path], to: Sequence[str] = (), subject: str = "", body: str = "") -> bool:
    """Open the mail program's compose window; False when there is no Simple MAPI mail program."""
    try:
        mapi = ctypes.WinDLL("MAPI32.DLL")  # type: ignore[attr-defined]
        send = mapi.MAPISendMailW
    except (OSError, AttributeError):
        return False
    send.restype = ULONG
    send.argtypes = (ULONG_PTR, ULONG_PTR, ctypes.POINTER(MapiMessageW), ULONG, ULONG)
    msg, keep = build_message([Path(f).resolve() for f in files], list(to), subject, body)
    try:
        result = send(0, 0, ctypes.byref(msg), MAPI_DIALOG | MAPI_LOGON_UI, 0)
    except OSError:
        return False
    del keep
    return result in (SUCCESS_SUCCESS, MAPI_USER_ABORT)


def show_in_explorer(path: Path) -> None:
    """An Explorer window on the folder with ``path`` selected."""
    # one string: Explorer parses /select,"…" itself and mis-reads the argument quoted as a whole
    subprocess.Popen(f'explorer /select,"{Path(path).resolve()}"')


def compose_or_show(files: Sequence[Path], to: Sequence[str], subject: str, body: str, fallback: Path) -> str:
    """A compose window with the files ('mapi'), or else the files shown in Explorer ('explorer')."""
    if files and send_mail_dialog(files, to, subject, body):
        return "mapi"
    try:
        show_in_explorer(files[0] if files else fallback)
    except OSError:
        return ""
    return "explorer"
