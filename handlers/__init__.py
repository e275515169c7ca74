"""Talvix, the product, on the engine in `listeners/`.

    agents/   one module per agent: what runs when an event arrives (importing this package
              registers them all with the engine)
    apply/    the auto-apply stack: browser, form reading and filling, one adapter per site,
              the anti-ban guard and the apply window
    delivery/ the channels notification_delivery sends through (WhatsApp, Telegram, email)
    skills/   what several agents share: the LLM client, storage, documents, resume files,
              session encryption
    app/      how the product is put together: the `talvix` command, the session gateway,
              the dashboard panels and metrics of Talvix's own tables, its migrations
    demo/     the demo's two small agents and the script behind `talvix demo` (loaded by the demo only)

Importing `handlers` (the worker does, through TALVIX_HANDLER_MODULES) registers the agents and
plugs the product into the engine's extension points. Heavy dependencies (crewai, selenium) are
imported by the agents that need them when a worker starts serving them, so a worker that serves
only some agents never loads the others' libraries.
"""

from handlers import agents, app  # noqa: F401  (importing registers the agents and the extensions)
