"""Who may open a page: sign-in is required everywhere by the hook in web/__init__.py (deny by
default, with PUBLIC_ENDPOINTS as the exceptions); `role_required` narrows a page to roles."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user


def role_required(*roles: str) -> Callable[[Callable], Callable]:
    """Let only signed-in people with one of `roles` through; everyone else gets a 403 page."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def guarded(*args, **kwargs):
            if not current_user.is_authenticated or current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return guarded

    return decorate
