"""Sending e-mail in the background: a request renders the message and queues it here."""

import smtplib

from celery import shared_task
from django.core.mail import EmailMultiAlternatives


@shared_task(
    name="accounts.send_email",
    acks_late=True,
    autoretry_for=(OSError, smtplib.SMTPException),  # the SMTP server away or refusing
    retry_backoff=30,
    max_retries=5,
)
def send_email(*, subject, body, from_email, to, headers=None):
    """Send one plain-text message (its text is all rendered already: no database read)."""
    EmailMultiAlternatives(subject, body, from_email, to, headers=headers).send()
