from warta.core.context import client_ip, request_ip


class RequestContextMiddleware:
    """Make the client's address known to services for the audit trail."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = client_ip.set(request_ip(request))
        try:
            return self.get_response(request)
        finally:
            client_ip.reset(token)
