"""The one email builder and the one rule for temporary mail trouble (config/emails.py)."""

import smtplib
import socket

import pytest

from config.emails import is_temporary, make_message

NOTE = {"name": "Aroha", "message": "Kia kaha", "plan_url": "https://x.example/p/k/"}


def test_a_message_is_built_from_its_template_set(settings):
    settings.SITE_URL = "https://steps.example.org:8443"
    message = make_message(
        "nudge", to="sam@example.org", context={**NOTE, "stop_url": ""}, message_id="nudge-7"
    )
    assert message.to == ["sam@example.org"]
    assert message.subject == "A kind note from Aroha"
    assert "Kia kaha" in message.body
    html, kind = message.alternatives[0]
    assert kind == "text/html" and "<blockquote>" in html
    assert message.extra_headers["Message-ID"] == "<nudge-7@steps.example.org>"
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    assert "List-Unsubscribe" not in message.extra_headers


def test_a_stop_address_gives_a_one_click_unsubscribe():
    stop = "https://steps.example.org/reminders/abc/stop/"
    message = make_message(
        "nudge",
        to="s@example.org",
        context={**NOTE, "stop_url": stop},
        message_id="n-1",
        stop_url=stop,
    )
    assert message.extra_headers["List-Unsubscribe"] == f"<{stop}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert stop in message.body


def test_a_subject_keeps_quotes_and_apostrophes_as_they_are():
    context = {**NOTE, "name": 'Ngaio "Aunty" O\'Brien <3', "stop_url": ""}
    message = make_message("nudge", to="s@example.org", context=context, message_id="n-2")
    assert message.subject == 'A kind note from Ngaio "Aunty" O\'Brien <3'
    assert "&quot;" not in message.body and "&#x27;" not in message.body
    assert "&quot;Aunty&quot;" in message.alternatives[0][0]  # the HTML part is escaped


@pytest.mark.parametrize(
    "error",
    [
        smtplib.SMTPServerDisconnected("gone"),
        smtplib.SMTPConnectError(554, b"no"),
        smtplib.SMTPHeloError(501, b"who?"),
        smtplib.SMTPDataError(451, b"try later"),
        smtplib.SMTPSenderRefused(421, b"busy", "hello@localhost"),
        ConnectionRefusedError(),
        ConnectionResetError(),
        TimeoutError(),
        socket.gaierror("no such host"),
    ],
    ids=type,
)
def test_trouble_on_the_way_to_the_mail_server_is_temporary(error):
    assert is_temporary(error)


@pytest.mark.parametrize(
    "error",
    [
        smtplib.SMTPRecipientsRefused({"s@example.org": (550, b"no such user")}),
        smtplib.SMTPDataError(554, b"rejected"),
        smtplib.SMTPSenderRefused(550, b"not you", "hello@localhost"),
        smtplib.SMTPNotSupportedError(),
        ValueError("bad header"),
    ],
    ids=type,
)
def test_an_answer_that_will_not_change_is_permanent(error):
    assert not is_temporary(error)
