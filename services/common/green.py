"""Eventlet monkey patching for service processes, with psycopg2 made cooperative (psycogreen)."""
_patched = False


def patch():
    global _patched
    if _patched:
        return
    import eventlet  # noqa: F401
    eventlet.monkey_patch()
    from psycogreen.eventlet import patch_psycopg
    patch_psycopg()
    _patched = True
