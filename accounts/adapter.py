"""How allauth sends mail and finds the client's address on this site."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from django.contrib.sites.shortcuts import get_current_site

from accounts import tasks
from core.net import client_ip


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context_data):
        """Render in the request, send as a background job (accounts.tasks.send_email).

        The messages are plain text only (no HTML part, see templates/account/email/): an
        address or anything else typed into a form is never interpreted as markup.
        """
        request = context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request)}
        ctx.update(context_data)
        message = self.render_mail(template_prefix, email, ctx)
        tasks.send_email.delay(
            subject=message.subject,
            body=message.body,
            from_email=message.from_email,
            to=list(message.to),
            headers=dict(message.extra_headers) or None,
        )

    def get_client_ip(self, request):
        # The address the site's own proxies vouch for (NUM_PROXIES), as axes and the API see it.
        return client_ip(request)
