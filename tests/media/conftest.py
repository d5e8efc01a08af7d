import pytest


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Every media test stores its files in its own folder."""
    root = tmp_path / "mediaroot"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root
