"""Build hook: ship the top-level configs/ (and the scenarios it links) inside the wheel.

The repository keeps Hydra configs at the top level (configs/, with
configs/scenario linking to scenarios/) so that they sit beside the package
they mirror. An installed wheel has no repository around it, so the build
copies configs/ into the package as ``sim/_configs``, following the link;
``sim.config.paths.config_dir`` finds whichever exists.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).parent


class BuildWithConfigs(build_py):
    """Copy configs/ into the built package."""

    def run(self):
        super().run()
        target = Path(self.build_lib) / "sim" / "_configs"
        if target.exists():
            shutil.rmtree(target)
        # configs/experiment links to experiments/, which also holds scripts
        shutil.copytree(ROOT / "configs", target, symlinks=False,
                        ignore=shutil.ignore_patterns("*.py", "*.md", "__pycache__"))


setup(cmdclass={"build_py": BuildWithConfigs})
