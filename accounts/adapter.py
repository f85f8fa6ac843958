"""How allauth sends mail and finds the client's address on this site."""

import logging

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site
from kombu.exceptions import OperationalError

from accounts import tasks
from core.net import client_ip

logger = logging.getLogger(__name__)


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        """Render in the request, send as a background job (accounts.tasks.send_email).

        The messages are plain text only (no HTML part, see templates/account/email/): an
        address or anything else typed into a form is never interpreted as markup.
        """
        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request)}
        ctx.update(context)
        message = self.render_mail(template_prefix, email, ctx)
        fields = {
            "subject": message.subject,
            "body": message.body,
            "from_email": message.from_email,
            "to": list(message.to),
            "headers": dict(message.extra_headers) or None,
        }
        # Queued at once, not on commit like jobs.enqueue(): the message needs no row, and
        # some are sent from requests that write nothing (a reset for an unknown address).
        try:
            tasks.send_email.delay(**fields)
        except OperationalError:
            # The broker is away: send it from here (EMAIL_TIMEOUT bounds the wait) rather
            # than fail the sign-up or the reset.
            logger.warning("Queue unavailable: sending %s in the request.", template_prefix)
            tasks.send_email.run(**fields)

    def get_client_ip(self, request):
        # The address the site's own proxies vouch for (NUM_PROXIES), as axes and the API see it.
        return client_ip(request)
