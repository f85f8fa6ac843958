from django.dispatch import Signal

# Sent with `user=` inside the transaction that deletes an account, before anything is
# deleted (accounts.services.delete_account). Apps above accounts follow their own policy:
# the community's reviews are deleted with it, its comments are kept as "deleted account".
account_deleting = Signal()
