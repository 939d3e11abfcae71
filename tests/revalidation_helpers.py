"""Helpers of the tests of tracker.web.revalidation: what reaches the app, a noting inner app."""

from tracker.web.revalidation import Revalidator

ITEM = "/texts/res-2616/9.2.1"


def reaching_the_app(app) -> list[str]:
    """Return the list of paths of the requests that get past the middleware from now on."""
    revalidator = app.wsgi_app
    assert isinstance(revalidator, Revalidator)
    inner, calls = revalidator.wsgi_app, []

    def counted(environ, start_response):
        calls.append(environ["PATH_INFO"])
        return inner(environ, start_response)

    revalidator.wsgi_app = counted
    return calls


def noted_app(note: str, status: str, headers: list[tuple[str, str]], *, etag: str, body=b""):
    """Return a WSGI app that answers as a public view would, noting its answer under ``note``
    (``ANSWERED_304`` or ``ANSWERED_PAGE``) with these headers and body; it counts its calls."""

    def answer(environ, start_response):
        answer.calls += 1
        environ[note] = (etag, False)
        start_response(status, headers)
        return [body] if body else []

    answer.calls = 0
    return answer
