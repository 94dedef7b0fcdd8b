"""The email package: a standard .eml with the PDF and the Excel file attached.

Public API::

    build_eml(pdf_path, xlsx_path, *, to, subject_vars, template=None, sender='') -> EmailMessage
    write_eml(path, pdf_path, xlsx_path, *, to, subject_vars, template=None, sender='') -> Path
    open_in_mail_client(eml_path, attachments) -> str   # never blocks (Windows: Simple MAPI)
    subject_vars_of(state) -> dict             # unit, form, year, project, date

The subject is UTF-8 (RFC 2047).  Attachment names are Chinese: the
``Content-Disposition`` carries ``filename*=utf-8''…`` (RFC 2231) and the
``Content-Type`` carries ``name="=?utf-8?b?…?="`` (RFC 2047), which is what
Outlook and Foxmail read.  ``X-Unsent: 1`` makes Outlook open the file as a
new message ready to send.
"""
from __future__ import annotations

import datetime as _dt
import re
import subprocess
import sys
from dataclasses import dataclass
import email
from email import encoders
from email.header import Header
from email.message import EmailMessage
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import SMTP, default
from email.utils import formataddr, formatdate, getaddresses, make_msgid
from pathlib import Path
from typing import Any

from desktop.core.definition import fill_names
from desktop.core.errors import Code, JixiaoError, os_why
from desktop.export.filenames import safe_filename, write_file_atomically

__all__ = ["build_eml", "write_eml", "open_in_mail_client", "MailTemplate", "DEFAULT_TEMPLATE", "EmlError",
           "subject_vars_of", "fill"]


class EmlError(JixiaoError):
    """The email cannot be built, written or handed to the mail client."""


@dataclass(frozen=True)
class MailTemplate:
    subject: str
    body: str


DEFAULT_TEMPLATE = MailTemplate(
    subject="{unit}{year}年度{form}{project_paren}",
    body=(
        "您好：\n\n"
        "现报送{unit}{year}年度《{form}》{project_line}，附件为：\n"
        "{attachments}\n\n"
        "PDF 为打印盖章用文件，Excel 为数据文件，两者内容一致。如有问题请联系。\n\n"
        "{unit}\n{date}\n"
    ),
)

_ADDRESS = re.compile(r"^[^@\s<>(),;:\"\[\]]+@[^@\s<>(),;:\"\[\]]+\.[^@\s<>(),;:\"\[\]]+$")


def fill(template: str, values: dict[str, Any]) -> str:
    """``{name}`` replaced by its value (unknown names left as written; nothing else is interpreted)."""
    return fill_names(template, lambda name: str(values[name]) if name in values else None)


def subject_vars_of(state: Any) -> dict[str, str]:
    """unit, form, year, project (and date) of a :class:`DocumentState`."""
    meta = state.meta()
    year = meta.get("year", "") or state.form.year
    today = _dt.date.today()  # no strftime with Chinese: it fails under some Windows locales
    return {"unit": meta.get("unit", ""), "form": state.form.title, "year": year,
            "project": meta.get("project", ""), "date": f"{today.year}年{today.month}月{today.day}日"}


def _values(subject_vars: dict[str, Any], names: list[str]) -> dict[str, str]:
    v = {k: str(x or "").strip() for k, x in subject_vars.items()}
    for key in ("unit", "form", "year", "project"):
        v.setdefault(key, "")
    v.setdefault("date", _dt.date.today().isoformat())
    project = v["project"]
    v["project_paren"] = f"（{project}）" if project else ""
    v["project_line"] = f"（项目：{project}）" if project else ""
    v["attachments"] = "\n".join(f"  {i + 1}. {n}" for i, n in enumerate(names))
    return v


def _recipients(to: str | list[str]) -> list[str]:
    items = [to] if isinstance(to, str) else list(to)
    out = []
    for name, addr in getaddresses([x for x in items if x and x.strip()]):
        if not addr:
            continue
        if not _ADDRESS.match(addr):
            raise EmlError(Code.MAIL_BAD_ADDRESS, address=addr)
        out.append(formataddr((name, addr), charset="utf-8") if name else addr)
    return out


def build_eml(pdf_path: str | Path | None, xlsx_path: str | Path | None, *, to: str | list[str] = "",
              subject_vars: dict[str, Any] | None = None, template: MailTemplate | dict | str | None = None,
              sender: str = "", extra: list[str | Path] | None = None) -> EmailMessage:
    """A message with the files attached; ``template`` may be a MailTemplate, a dict with
    ``subject``/``body``, or a body text."""
    files = [Path(p) for p in (pdf_path, xlsx_path, *(extra or [])) if p]
    for f in files:
        if not f.is_file():
            raise EmlError(Code.MAIL_NO_ATTACHMENT, path=f)
    tpl = _template(template)
    values = _values(subject_vars or {}, [f.name for f in files])
    subject = re.sub(r"\s+", " ", fill(tpl.subject, values)).strip() or "绩效填报材料"
    body = fill(tpl.body, values)
    outer = MIMEMultipart()
    outer["Subject"] = Header(subject, "utf-8")
    recipients = _recipients(to)
    if recipients:
        outer["To"] = ", ".join(recipients)
    if sender:
        outer["From"] = _recipients(sender)[0]
    outer["Date"] = formatdate(localtime=True)
    outer["Message-ID"] = make_msgid(domain="jixiao.local")
    outer["X-Unsent"] = "1"  # Outlook opens the file as a new message, ready to send
    outer["X-Mailer"] = "jixiao"
    outer.attach(MIMEText(body, "plain", "utf-8"))
    for f in files:
        maintype, subtype = _mime(f)
        try:
            data = f.read_bytes()
        except OSError as exc:
            raise EmlError(Code.MAIL_ATTACHMENT_UNREADABLE, path=f, why=os_why(exc)) from None
        part = MIMEBase(maintype, subtype)
        part.set_payload(data)
        encoders.encode_base64(part)
        # RFC 2047 on Content-Type (Outlook, Foxmail), RFC 2231 on Content-Disposition (the standard)
        name = safe_filename(f.name)  # no bidi controls that would disguise the attachment's type
        part.set_param("name", Header(name, "utf-8").encode(maxlinelen=10**6))
        part.add_header("Content-Disposition", "attachment", filename=("utf-8", "", name))
        outer.attach(part)
    return email.message_from_bytes(outer.as_bytes(), policy=default)  # type: ignore[return-value]


def _template(template: MailTemplate | dict | str | None) -> MailTemplate:
    if template is None:
        return DEFAULT_TEMPLATE
    if isinstance(template, MailTemplate):
        return template
    if isinstance(template, dict):
        return MailTemplate(str(template.get("subject") or DEFAULT_TEMPLATE.subject),
                            str(template.get("body") or DEFAULT_TEMPLATE.body))
    return MailTemplate(DEFAULT_TEMPLATE.subject, str(template))


def _mime(path: Path) -> tuple[str, str]:
    ext = path.suffix.lower()
    return {
        ".pdf": ("application", "pdf"),
        ".xlsx": ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ".json": ("application", "json"),
        ".zip": ("application", "zip"),
    }.get(ext, ("application", "octet-stream"))


def message_bytes(msg: EmailMessage) -> bytes:
    """The message with CRLF line ends, as .eml files and SMTP expect."""
    return msg.as_bytes(policy=SMTP.clone(refold_source="none"))


def write_eml(path: str | Path, pdf_path: str | Path | None, xlsx_path: str | Path | None, **kwargs: Any) -> Path:
    msg = build_eml(pdf_path, xlsx_path, **kwargs)
    path = Path(path)
    write_file_atomically(path, message_bytes(msg), lambda reason: EmlError(Code.EXPORT_WRITE, what="邮件文件", path=path, why=reason))
    return path


def keeps_attachments() -> bool:
    """Does :func:`open_in_mail_client` need the attachments as files that stay (Windows: MAPI, Explorer)?"""
    return sys.platform.startswith("win")


def open_in_mail_client(eml_path: str | Path, attachments: list[Path] | None = None) -> str:
    """Offer the message for sending; returns at once.

    Windows: a new-message window of the default mail program with ``attachments`` attached
    (Simple MAPI), or, without a MAPI mail program, the attachments shown selected in Explorer
    (in the background: the compose window is modal to the thread that opened it).  Elsewhere the
    .eml is opened with the system's mail program.  Returns 'windows' or 'default'.
    """
    path = Path(eml_path).resolve()
    if sys.platform.startswith("win"):
        from desktop.export import mapi

        to, subject, body = _fields_of(path)
        files = [Path(f) for f in attachments or []]
        _in_background(lambda: mapi.compose_or_show(files, to, subject, body, fallback=path))
        return "windows"
    try:
        cmd = ["open", str(path)] if sys.platform == "darwin" else ["xdg-open", str(path)]
        subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         start_new_session=True, close_fds=True)
    except OSError as exc:
        raise EmlError(Code.EML_OPEN_FAILED, path=path, why=os_why(exc)) from None
    return "default"


def _fields_of(path: Path) -> tuple[list[str], str, str]:
    """Recipients, subject and text of our own .eml (for the compose window)."""
    try:
        msg = email.message_from_bytes(path.read_bytes(), policy=default)
    except OSError as exc:
        raise EmlError(Code.EML_UNREADABLE, path=path, why=os_why(exc)) from None
    to = [addr for _, addr in getaddresses([str(msg.get("To", ""))]) if addr]
    body = msg.get_body(("plain",))
    return to, str(msg.get("Subject", "")), body.get_content() if body is not None else ""


def _in_background(job: Any) -> None:
    import threading

    threading.Thread(target=job, name="jixiao-mail", daemon=True).start()
