"""A stand-in for the Doppler CLI, for the operator's-guide test (Doppler's servers are not reachable
from the test machine).

It implements the few verbs the guide uses, with Doppler's meaning, over a JSON file of secrets
($DOPPLER_STANDIN_STORE) instead of Doppler's API:

    doppler setup --project P --config C [--no-interactive]
    doppler secrets set NAME=VALUE …          (prints the names, never the values)
    doppler secrets                           (names only)
    doppler run [--] COMMAND …                (COMMAND with the stored secrets in its environment)

Anything else exits 2 with a message, so the guide cannot quietly use a verb nobody ran.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path


def store_path() -> Path:
    return Path(os.environ["DOPPLER_STANDIN_STORE"])


def load() -> dict[str, dict[str, str]]:
    path = store_path()
    return json.loads(path.read_text()) if path.exists() else {"setup": {}, "secrets": {}}


def save(store: dict[str, dict[str, str]]) -> None:
    store_path().write_text(json.dumps(store))


def main(argv: list[str]) -> int:
    store = load()
    match argv:
        case ["setup", *options]:
            flags = dict(zip(options[::2], options[1::2], strict=False))
            if "--project" not in flags or "--config" not in flags:
                print("doppler stand-in: setup needs --project and --config", file=sys.stderr)
                return 2
            store["setup"] = {"project": flags["--project"], "config": flags["--config"]}
            save(store)
            print(f"project {flags['--project']}, config {flags['--config']}")
            return 0
        case ["secrets", "set", *pairs] if pairs and all("=" in p for p in pairs):
            for pair in pairs:
                name, _, value = pair.partition("=")
                store["secrets"][name] = value
            save(store)
            print("set " + ", ".join(p.partition("=")[0] for p in pairs))
            return 0
        case ["secrets"]:
            print("\n".join(sorted(store["secrets"])))
            return 0
        case ["run", "--", *command] | ["run", *command] if command and command[0] != "--":
            if not store["setup"]:
                print("doppler stand-in: run `doppler setup` first", file=sys.stderr)
                return 2
            os.execvpe(command[0], command, {**os.environ, **store["secrets"]})
    print(f"doppler stand-in: unsupported command: {' '.join(argv)}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
