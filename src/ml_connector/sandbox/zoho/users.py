"""The org's users: the API user our refresh token acts for and a person who edits in the UI.

Two distinct users let a client tell its own writes (``Modified_By`` = API user) from edits a
person made in Zoho's UI, which is how the connector recognises echoes of its own writes.
"""

from __future__ import annotations

from dataclasses import dataclass

from .ids import IdMint
from .responses import Json

__all__ = ["User", "Users"]


@dataclass(frozen=True)
class User:
    """A CRM user as records and errors show it."""

    id: str
    name: str
    email: str
    zuid: str

    def minified(self) -> Json:
        """``{"name", "id"}`` as in write results' ``Created_By`` / ``Modified_By``."""
        return {"name": self.name, "id": self.id}

    def with_email(self) -> Json:
        """``{"name", "id", "email"}`` as in records' ``Owner`` / ``Modified_By``."""
        return {"name": self.name, "id": self.id, "email": self.email}


class Users:
    """The two users of the simulated org."""

    def __init__(self, mint: IdMint) -> None:
        self.api = User(mint.new(), "Patricia Boyle", "patricia.boyle@example.com", "736078909")
        self.ui = User(mint.new(), "Sam Webb", "sam.webb@example.com", "736078977")

    def get(self, user_id: str) -> User | None:
        """The user with this id, if any."""
        return next((u for u in (self.api, self.ui) if u.id == user_id), None)
