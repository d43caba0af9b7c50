"""The app's routes from its URL map, for the role and CSRF matrices."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask

SAMPLE_VALUES = {"int": 1, "default": "voorbeeld", "string": "voorbeeld", "path": "voorbeeld"}


@dataclass(frozen=True)
class Route:
    endpoint: str
    rule: str
    methods: tuple[str, ...]
    public: bool
    roles: tuple[str, ...]

    def url(self) -> str:
        path = self.rule
        for converter, name in _arguments(self.rule):
            path = path.replace(f"<{converter}:{name}>" if converter else f"<{name}>",
                                str(SAMPLE_VALUES.get(converter or "default", "voorbeeld")))
        return path


def _arguments(rule: str) -> list[tuple[str, str]]:
    out = []
    for part in rule.split("<")[1:]:
        spec = part.split(">", 1)[0]
        converter, _, name = spec.rpartition(":")
        out.append((converter, name))
    return out


def all_routes(app: Flask) -> list[Route]:
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        view = app.view_functions[rule.endpoint]
        methods = tuple(sorted(m for m in (rule.methods or ()) if m not in {"HEAD", "OPTIONS"}))
        routes.append(Route(rule.endpoint, rule.rule, methods, bool(getattr(view, "public", False)),
                            tuple(getattr(view, "required_roles", ()))))
    return sorted(routes, key=lambda r: r.rule)


def allowed(route: Route, role: str | None) -> bool:
    if route.public:
        return True
    if role is None:
        return False
    return role == "admin" or role in route.roles
