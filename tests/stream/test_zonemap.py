from pathlib import Path

import numpy as np

from stream.zoneload import load_zoneset
from stream.zonemap import draw_zone_map


def test_zone_map_png_shows_land_seas_lines_and_areas(tmp_path: Path) -> None:
    import matplotlib.image as mpimg

    out = draw_zone_map(load_zoneset(), tmp_path / "zones.png")
    img = mpimg.imread(out)[:, :, :3]
    assert img.shape[0] > 500 and img.shape[1] > 1000  # two regions side by side

    def share(rgb: tuple[int, int, int], tol: float = 0.06) -> float:
        c = np.array(rgb) / 255.0
        return float((np.abs(img - c).max(axis=2) < tol).mean())

    assert share((0xD9, 0xD9, 0xC3)) > 0.05  # land
    assert share((0xE3, 0x1A, 0x1C), 0.15) > 0.0005  # median lines (red)
    assert share((0xFD, 0x8D, 0x3C), 0.2) > 0.001  # departure areas (orange)
    blueish = ((img[:, :, 2] > img[:, :, 0] + 0.1) & (img[:, :, 2] > 0.6)).mean()
    assert blueish > 0.05  # territorial seas and contiguous zones
