from axes.backends import AxesStandaloneBackend


class LoginThrottleBackend(AxesStandaloneBackend):
    """Lock out repeated failed logins made through a login form.

    A form always passes the request; code that authenticates without one (a
    management command, the test client's `login()`) has no client address to
    lock out, so it is left to the next backend.
    """

    def authenticate(self, request=None, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
