"""The static files as deployed: WhiteNoise's compressed files under their hashed names."""
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Each file's URL looked up once per process.

    Every page asks for the URLs of the same dozen files (styles, scripts, the icon), and the
    manifest storage resolves each through its manifest on every call, 20–40 µs apiece: a few
    tenths of a millisecond of every page. The manifest changes only with a deploy, which
    restarts the processes."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls = {}

    def url(self, name, force=False):
        if force:
            return super().url(name, force)
        found = self._urls.get(name)
        if found is None:
            found = self._urls[name] = super().url(name)
        return found
